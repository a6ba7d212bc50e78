"""The S2 demo: valid credit codes, exact money, one planted violation per law rule and no law
light on the clean processes; the party page's S4 link has data."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from models.esupervision import FundPayment
from models.lights import Alert
from models.trading import TradeBid, TradeParty, TradeProcess, is_valid_uscc
from services.trading.seed import planted_ocid

PLANTED = {
    "TR-R1": {1, 24}, "TR-R2": {2}, "TR-R3": {3}, "TR-R4": {4, 14}, "TR-R5": {5}, "TR-Y1": {6},
    "TR-R6": {7, 25}, "TR-R7": {8}, "TR-R9": {12}, "TR-R10": {13},
    "R036": {21}, "R035": {22}, "R028": {23}, "R018": {24}, "R030": {25}, "R044": {6}, "R003": {2},
}


def _alerts(engine) -> dict[str, set[str]]:  # noqa: ANN001
    out: dict[str, set[str]] = defaultdict(set)
    with Session(engine) as s:
        for rule, subject in s.execute(select(Alert.rule_id, Alert.subject_id)
                                       .where(Alert.system == "S2")):
            out[rule].add(subject)
    return out


def test_planted_violations_and_nothing_else(seeded):
    alerts = _alerts(seeded)
    for rule, numbers in PLANTED.items():
        assert alerts[rule] == {planted_ocid(n) for n in numbers}, rule
    # splitting: the second and third of the three contracts complete the set
    assert len(alerts["TR-R8"]) == 2 and alerts["TR-R8"] < {planted_ocid(n) for n in (9, 10, 11)}
    # the land sale whose lowest bid was disqualified raises no lowest-price flag
    assert planted_ocid(26) not in alerts["R036"] | alerts["R024"] | alerts["R058"]


def test_demo_register_shape(seeded):
    with Session(seeded) as s:
        codes = s.execute(select(TradeParty.uscc)).scalars().all()
        assert codes and all(is_valid_uscc(c) for c in codes)
        domains = dict(s.execute(select(TradeProcess.domain, func.count())
                                 .group_by(TradeProcess.domain)).all())
        assert set(domains) == {"works", "procurement", "land", "mining", "state_property",
                                "collective_property"}
        cities = s.execute(select(func.count(func.distinct(func.substr(TradeProcess.region_code, 1, 4)))))
        assert cities.scalar_one() == 14
        amount = s.execute(select(TradeBid.amount).where(TradeBid.amount.is_not(None))).scalars().first()
        assert isinstance(amount, Decimal) and amount == amount.quantize(Decimal("0.01"))
        # some bidders also received special-fund payments (S4): the party page joins them
        paid = s.execute(select(func.count(func.distinct(TradeParty.uscc)))
                         .join(FundPayment, FundPayment.recipient_uscc == TradeParty.uscc)).scalar_one()
        assert paid > 0
