"""Demo step `trading` (S2): a year of trading processes in every city and county across the
six domains, bidders drawn from a pool of companies with valid 统一社会信用代码, and one planted
violation of every law rule and of Cardinal's per-process flags (in 和平区 210102, where the
county demo accounts work). Deterministic (one seeded random.Random), relative to China today,
written in bulk with explicit ids (COPY on PostgreSQL). `province` scale writes ≥ 100 000
processes and ≥ 500 000 bids.

Planted (ocid = ocds-lnggzy-210102-9000NN): TR-R1 01 (2 bidders, awarded), TR-R2 02 (15 days),
TR-R3 03 (one bond account), TR-R4 04 (same legal representative) and 14 (one controls the
other), TR-R5 05 (same agent), TR-Y1 06 (same telephone; also Cardinal R044), TR-R6 07 (late
valid bid), TR-R7 08 (bid above the maximum price), TR-R8 09–11 (three works contracts of
3.5 M within 40 days; fires on 10 and 11), TR-R9 12 (signed 45 days after the award), TR-R10
13 (+15 % amendment); Cardinal R036 21 (lowest disqualified), R035 22, R028 23, R018 24 (also
TR-R1), R030 25 (a late bidder won; also TR-R6); 26 is a land sale whose lowest bid was
disqualified: R036 must stay off there."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text
from sqlmodel import Session, SQLModel

from core.clock import china_today
from models.org import Department, Region
from services.platform import audit
from services.platform.bulk import bulk_insert
from services.trading.seed_parties import PLANTED_PERSON, Company, company_pool, person
from services.trading.seed_rows import (
    BUYER_KIND,
    COLUMNS,
    DOMAINS,
    METHODS,
    Ids,
    Rows,
    Spec,
    build_process,
    finish,
    pick,
)

SEED = 20260714
PREFIX = "ocds-lnggzy-"
PLANT_REGION = "210102"
PER_REGION = {"small": 10, "province": 0}  # province: spread 100 000 over the regions
PROVINCE_PROCESSES = 105_000
COMPANIES = {"small": 8, "province": 150}


def planted_ocid(n: int) -> str:
    return f"{PREFIX}{PLANT_REGION}-{900000 + n}"


def seed_trading(session: Session, *, scale: str, today: date | None = None,
                 progress=None) -> dict[str, int]:  # noqa: ANN001
    rng = random.Random(SEED)
    today = today or china_today()
    created = datetime.now(UTC)
    regions = session.execute(select(Region.code, Region.name).where(Region.level != "province")
                              .order_by(Region.code)).all()
    depts: dict[tuple[str, str], int] = {(r, k): i for i, r, k in session.execute(
        select(Department.id, Department.region_code, Department.kind))}
    pool = company_pool(session, rng, [tuple(r) for r in regions], COMPANIES[scale])
    by_city: dict[str, list[Company]] = {}
    for c in pool:
        by_city.setdefault(c.region_code[:4], []).append(c)
    agencies = pool[::37] or pool[:1]
    rows, ids = Rows(), Ids()
    per_region = PER_REGION[scale] or -(-PROVINCE_PROCESSES // max(len(regions), 1))
    for n_region, (code, _) in enumerate(regions):
        local = by_city.get(code[:4], pool)
        for k in range(per_region):
            domain = pick(rng, DOMAINS)
            dept = _buyer(depts, rng, code, domain)
            if dept is None:
                continue
            method = pick(rng, METHODS[domain])
            n = 1 if method == "单一来源" else rng.randint(3, 10) if method in ("公开招标", "邀请招标") \
                else rng.randint(2, 5) if domain in ("land", "mining", "state_property",
                                                     "collective_property") else rng.randint(3, 6)
            spec = Spec(f"{PREFIX}{code}-{k + 1:06d}", domain, method, dept, code,
                        today - timedelta(days=rng.randint(25, 365)), rng.sample(local, min(n, len(local))),
                        agency=rng.choice(agencies) if rng.random() < 0.6 else None)
            finish(rows, ids, rng, build_process(rows, ids, rng, spec, today, created), spec, today)
        if progress and n_region % 10 == 0:
            progress(n_region, len(regions))
    _plant(rows, ids, rng, depts, pool, today, created)
    parties = pool + _planted_companies(pool)
    _write(session, rows, parties, created)
    counts = {"parties": len(parties)} | {
        {"trade_process": "processes"}.get(t, t.removeprefix("trade_") + "s"): n
        for t, n in rows.count().items()}
    audit.record(session, actor="system", action="seed.trading", entity_type="trade_process",
                 entity_id="*", after=counts)
    return counts


def _buyer(depts: dict, rng: random.Random, region: str, domain: str) -> int | None:
    kinds = [k for k in BUYER_KIND[domain] if (region, k) in depts]
    return depts[(region, rng.choice(kinds))] if kinds else None


# ---- planted companies and violations --------------------------------------------------

def _planted_companies(pool: list[Company]) -> list[Company]:
    """Pairs that share something: two with one legal representative, a controller and the
    company it controls, two with one telephone."""
    base = len(pool)
    a, b, c, d, e, f = (pool[i] for i in range(6))
    return [
        replace(a, index=base, uscc=_alt(a.uscc, 1), name=a.name.replace("有限公司", "建材有限公司"),
                legal_representative=b.legal_representative, address=a.address + "甲",
                telephone=f"024-7{base:07d}", bond_account=f"6222 0299 {base:08d}"),
        replace(c, index=base + 1, uscc=_alt(c.uscc, 2), name=c.name.replace("有限公司", "劳务有限公司"),
                legal_representative=person(PLANTED_PERSON + 1), address=c.address + "乙",
                telephone=f"024-7{base + 1:07d}", bond_account=f"6222 0299 {base + 1:08d}",
                controller_uscc=d.uscc),
        replace(e, index=base + 2, uscc=_alt(e.uscc, 3), name=e.name.replace("有限公司", "科技有限公司"),
                legal_representative=person(PLANTED_PERSON + 2), address=e.address + "丙",
                telephone=f.telephone, bond_account=f"6222 0299 {base + 2:08d}"),
    ]


def _alt(uscc: str, k: int) -> str:
    from models.trading import USCC_CHARS, uscc_check_char
    body = uscc[:16] + USCC_CHARS[(USCC_CHARS.index(uscc[16]) + k) % 31]
    return body + uscc_check_char(body)


def _plant(rows: Rows, ids: Ids, rng: random.Random, depts: dict, pool: list[Company],
           today: date, created: datetime) -> None:
    extra = _planted_companies(pool)
    works = depts.get((PLANT_REGION, "zjj"))
    buy = depts.get((PLANT_REGION, "cz"))
    land = depts.get((PLANT_REGION, "zrzy"))
    if works is None or buy is None or land is None:
        return
    a, b, c, d, e, f, g = pool[:7]
    start = today - timedelta(days=120)

    def make(n: int, bidders, *, domain="works", method="公开招标", dept=works, days=None,
             budget=Decimal("8000000"), sign_after=None, amend=None, start_on=start):  # noqa: ANN001
        spec = Spec(planted_ocid(n), domain, method, dept, PLANT_REGION, start_on, list(bidders),
                    title=f"演示项目{n:02d}", category="works" if domain == "works" else
                    (None if domain == "land" else "goods"), budget=budget, period_days=days)
        return spec, build_process(rows, ids, rng, spec, today, created), sign_after, amend

    def done(item, mutate=None) -> None:  # noqa: ANN001
        spec, built, sign_after, amend = item
        if mutate:
            mutate(built)
        finish(rows, ids, rng, built, spec, today, sign_after=sign_after, amend=amend)

    def bid_of(built, uscc):  # noqa: ANN001, ANN202
        return next(x for x in built["bids"] if x[3] == uscc)

    done(make(1, (a, b)))                                             # TR-R1
    done(make(2, (a, b, c), days=15))                                 # TR-R2
    done(make(3, (a, b, c)), lambda bt: bid_of(bt, b.uscc).__setitem__(7, a.bond_account))
    done(make(4, (b, extra[0], c)))                                   # TR-R4 same representative
    done(make(14, (extra[1], d, e)))                                  # TR-R4 control
    done(make(5, (a, b, c)), lambda bt: bid_of(bt, c.uscc).__setitem__(10, bid_of(bt, a.uscc)[10]))
    done(make(6, (extra[2], f, g)))                                   # TR-Y1 (+ R044)

    def late(bt, *, winner: bool) -> None:  # noqa: ANN001
        x = bt["bids"][0] if winner else next(y for y in bt["bids"] if y[3] != bt["winner"].uscc)
        x[5], x[6] = bt["end"] + timedelta(hours=2), "valid"
        if winner:
            bt["winner"] = bt["companies"][x[3]]
            x[4] = min(y[4] for y in bt["bids"]) - Decimal("1000.00")
            bt["amount"] = x[4]
    done(make(7, (a, b, c)), lambda bt: late(bt, winner=False))      # TR-R6
    def over(bt) -> None:  # noqa: ANN001
        x = next(y for y in bt["bids"] if y[3] != bt["winner"].uscc)
        x[4], x[6] = bt["max_price"] + Decimal("0.01"), "valid"
    done(make(8, (a, b, c)), over)                                    # TR-R7
    for n, offset in ((9, 0), (10, 20), (11, 40)):                    # TR-R8
        done(make(n, (a, b, c), method="竞争性谈判", days=5, budget=Decimal("3600000"),
                  start_on=start + timedelta(days=offset)),
             lambda bt: bt.update(amount=Decimal("3500000.00"), winner=a))
    done(make(12, (a, b, c), sign_after=45))                          # TR-R9
    done(make(13, (a, b, c), domain="procurement", dept=buy, budget=Decimal("1500000"),
              amend=Decimal("1.15"), start_on=today - timedelta(days=150)))  # TR-R10
    done(make(21, (a, b, c)), lambda bt: _disqualify_lowest(bt, sale=False))   # R036
    done(make(22, (a, b, c)), lambda bt: [y.__setitem__(6, "disqualified") for y in bt["bids"]
                                          if y[3] != bt["winner"].uscc])        # R035
    done(make(23, (a, b, c)), lambda bt: bt["bids"][2].__setitem__(4, bt["bids"][1][4]))  # R028
    done(make(24, (a,)))                                              # R018 (+ TR-R1)
    done(make(25, (a, b, c, g)), lambda bt: late(bt, winner=True))   # R030 (+ TR-R6)
    done(make(26, (a, b, c), domain="land", method="挂牌", dept=land, budget=Decimal("60000000")),
         lambda bt: _disqualify_lowest(bt, sale=True))                # sale: R036 stays off


def _disqualify_lowest(built: dict, *, sale: bool) -> None:
    lowest = min(built["bids"], key=lambda y: y[4])
    if not sale:  # the lowest bid must lose: the winner becomes the next one
        others = sorted((y for y in built["bids"] if y is not lowest), key=lambda y: y[4])
        built["amount"] = others[0][4]
        built["winner"] = built["companies"][others[0][3]]
    lowest[6] = "disqualified"


def _write(session: Session, rows: Rows, parties: list[Company], created: datetime) -> None:
    conn = session.connection()
    tables = SQLModel.metadata.tables
    party_cols = ["id", "uscc", "name", "legal_representative", "address", "telephone",
                  "controller_uscc", "region_code", "created_at"]
    base = session.execute(text("SELECT COALESCE(MAX(id), 0) FROM trade_party")).scalar_one()
    bulk_insert(conn, tables["trade_party"], [
        (base + i + 1, c.uscc, c.name, c.legal_representative, c.address, c.telephone,
         c.controller_uscc, c.region_code, created) for i, c in enumerate(parties)], party_cols)
    money = {"budget", "max_price", "amount", "bond_amount", "amount_after", "quantity"}
    for table, cols in COLUMNS.items():
        idx = [i for i, c in enumerate(cols) if c in money]
        data = [tuple(str(v) if i in idx and v is not None else v for i, v in enumerate(r))
                for r in rows.tables[table]]
        bulk_insert(conn, tables[table], data, cols)
    if conn.dialect.name == "postgresql":
        for table in ("trade_party", *COLUMNS):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
