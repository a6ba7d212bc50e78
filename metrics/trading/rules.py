"""Every S2 light rule: Chinese law (TR-*, red unless supporting evidence) and Cardinal's
statistical indicators (R003 … R058, yellow)."""

from __future__ import annotations

from metrics.lights.registry import Param, Rule
from metrics.trading import rules_law as law
from metrics.trading.rules_cardinal import CARDINAL_RULES

PROCESS = ("tr_processes",)
BIDS = ("tr_processes", "tr_bids")
PARTIES = ("tr_processes", "tr_bids", "tr_parties")


def _keys(rule: str) -> dict[str, str]:
    base = f"trading.rules.{rule}"
    return {"title_key": f"{base}.title", "definition_key": f"{base}.definition",
            "basis_key": f"{base}.basis", "facts_key": f"{base}.facts"}


def _p(rule: str, name: str, default: float | str, lo: float | None = None,
       hi: float | None = None) -> Param:
    return Param(name, default, f"trading.rules.{rule}.{name}", min=lo, max=hi)


def _law(rule_id: str, level: str, inputs: tuple[str, ...], fn, *params: Param,  # noqa: ANN001
         volatile: tuple[str, ...] = ()) -> Rule:
    key = rule_id.lower().replace("-", "_")
    # each law rule looks at one process, or (TR-R8) at one buyer's contracts: the buyer
    # department's partition (issue 12)
    return Rule(id=rule_id, system="S2", level=level, subject_type="trading_process",
                **_keys(key), inputs=inputs, fn=fn, params=params, volatile=volatile,
                partition="department")


LAW_RULES: tuple[Rule, ...] = (
    _law("TR-R1", "red", ("tr_processes", "tr_bids", "tr_awards"), law.few_bidders,
         _p("tr_r1", "min_bidders", 3, 1, 20)),
    _law("TR-R2", "red", PROCESS, law.short_period,
         *(_p("tr_r2", name, default, 0, 365) for name, default in (
             ("days_open", 20), ("days_selective", 20), ("days_consultation", 10),
             ("days_negotiation", 3), ("days_inquiry", 3), ("days_listing", 10),
             ("days_auction", 20)))),
    _law("TR-R3", "red", BIDS, law.shared_bond_account),
    _law("TR-R4", "red", PARTIES, law.related_tenderers),
    _law("TR-R5", "red", BIDS, law.same_agent),
    _law("TR-Y1", "yellow", PARTIES, law.same_contact),
    _law("TR-R6", "red", BIDS, law.late_valid_bid),
    _law("TR-R7", "red", BIDS, law.over_max_price),
    _law("TR-R8", "red", ("tr_processes", "tr_contracts"), law.split_contracts,
         _p("tr_r8", "window_days", 90, 1, 730), _p("tr_r8", "min_contracts", 2, 2, 50),
         _p("tr_r8", "low_share", 0.8, 0, 1)),
    _law("TR-R9", "red", ("tr_processes", "tr_awards", "tr_contracts", "clock"),
         law.late_contract, _p("tr_r9", "max_days", 30, 1, 365), volatile=("days",)),
    _law("TR-R10", "red", ("tr_processes", "tr_contracts", "tr_amendments"),
         law.amendment_over, _p("tr_r10", "max_share", 0.1, 0, 1)),
)

RULES: tuple[Rule, ...] = (*LAW_RULES, *CARDINAL_RULES)
