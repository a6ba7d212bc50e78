"""S4 light rules (行政权力电子监察), declared once: approval cases (AP-*, rules_cases.py and
rules_procedure.py) and special funds (FD-*, rules_funds.py). The frames they read are
described in schemas.py (re-exported here for the loaders); `RULES` is what systems.py
registers."""

from __future__ import annotations

from metrics.esupervision.rules_cases import (
    deadline_unknown,
    fee_above_standard,
    long_suspension,
    near_limit,
    over_limit,
    rejected_without_reason,
    step_over_limit,
    window_although_online,
)
from metrics.esupervision.rules_funds import (
    duplicate_payment,
    idle_fund,
    over_budget,
    split_payments,
    year_end_rush,
)
from metrics.esupervision.rules_procedure import outlier_department, wrong_procedure
from metrics.esupervision.schemas import (  # noqa: F401  (the loaders' schemas)
    CASES_SCHEMA,
    CONCLUDED,
    EDGES_SCHEMA,
    FLOW_STEPS_SCHEMA,
    FUNDS_SCHEMA,
    MONEY,
    OPEN,
    PAYMENTS_SCHEMA,
    STEPS_SCHEMA,
    SUSPENSIONS_SCHEMA,
    open_case_ids,
    open_suspension_ids,
)
from metrics.lights.registry import Param, Rule


def _keys(rule: str) -> dict[str, str]:
    base = f"esupervision.rules.{rule}"
    return {"title_key": f"{base}.title", "definition_key": f"{base}.definition",
            "basis_key": f"{base}.basis", "facts_key": f"{base}.facts"}


def _p(rule: str, name: str, default: float | str, lo: float | None = None,
       hi: float | None = None) -> Param:
    return Param(name, default, f"esupervision.rules.{rule}.{name}", min=lo, max=hi)


AP = ("ap_cases", "clock")
# the daily sweep (metrics.lights.registry.Sweep): a case's time limit and its steps' and
# suspensions' working days run only while it is open (and a step only until it ends); the
# other case rules read no date-dependent column
OPEN_CASES = {"sweep": "open", "open_subjects": open_case_ids}
NEVER = {"sweep": "never"}
AP_Y1 = Rule(
    id="AP-Y1", system="S4", **OPEN_CASES,
    partition="department", level="yellow", subject_type="approval_case", **_keys("ap_y1"),
    inputs=AP, fn=near_limit, volatile=("elapsed_workdays", "remaining_workdays"), version=2,
    params=(_p("ap_y1", "remaining_days", 2, 0, 30), _p("ap_y1", "share", 0.8, 0.1, 1.0)))
AP_R1 = Rule(
    id="AP-R1", system="S4", **OPEN_CASES,
    partition="department", level="red", subject_type="approval_case", **_keys("ap_r1"),
    inputs=AP, fn=over_limit)
AP_Y2 = Rule(
    id="AP-Y2", system="S4", **OPEN_CASES,
    partition="department", level="yellow", subject_type="approval_case", **_keys("ap_y2"),
    inputs=("ap_cases", "ap_steps", "clock"), fn=step_over_limit,
    volatile=("step_elapsed_workdays",))
AP_R2 = Rule(
    id="AP-R2", system="S4", **NEVER,
    partition="department", level="red", subject_type="approval_case", **_keys("ap_r2"),
    inputs=("ap_cases", "ap_steps", "ap_flow_steps", "ap_flow_edges"), fn=wrong_procedure,
    version=2)
AP_R3 = Rule(
    id="AP-R3", system="S4", **NEVER,
    partition="department", level="red", subject_type="approval_case", **_keys("ap_r3"),
    inputs=("ap_cases",), fn=fee_above_standard, version=2,
    params=(_p("ap_r3", "tolerance_yuan", 0.0, 0, 10000),))
AP_Y3 = Rule(
    id="AP-Y3", system="S4", sweep="open", open_subjects=open_suspension_ids,
    partition="department", level="yellow", subject_type="case_suspension", **_keys("ap_y3"),
    inputs=("ap_suspensions",), fn=long_suspension, volatile=("suspension_workdays",),
    params=(_p("ap_y3", "max_days", 10, 1, 250),))
AP_Y4 = Rule(
    id="AP-Y4", system="S4", **NEVER,
    partition="department", level="yellow", subject_type="approval_case", **_keys("ap_y4"),
    inputs=("ap_cases",), fn=rejected_without_reason)
AP_Y5 = Rule(
    id="AP-Y5", system="S4", **NEVER,
    partition="department", level="yellow", subject_type="approval_case", **_keys("ap_y5"),
    inputs=("ap_cases",), fn=window_although_online)
AP_Y6 = Rule(
    id="AP-Y6", system="S4", **NEVER,
    partition="group", group="power_item", level="yellow",
    subject_type="department_power", **_keys("ap_y6"),
    inputs=("ap_cases",), fn=outlier_department, version=2,
    volatile=("cases", "median_workdays", "q1", "q3", "fence", "departments"),
    params=(_p("ap_y6", "iqr_factor", 1.5, 0, 10), _p("ap_y6", "min_cases", 5, 1, 1000),
            _p("ap_y6", "min_departments", 4, 2, 1000), _p("ap_y6", "quartile_method", "linear")))
AP_Y7 = Rule(
    id="AP-Y7", system="S4", **NEVER,
    partition="department", level="yellow", subject_type="approval_case", **_keys("ap_y7"),
    inputs=("ap_cases",), fn=deadline_unknown)
FD_R1 = Rule(
    id="FD-R1", system="S4", partition="department", level="red", subject_type="special_fund", **_keys("fd_r1"),
    inputs=("fd_funds", "fd_payments"), fn=over_budget, version=2)
FD_R2 = Rule(
    id="FD-R2", system="S4", partition="department", level="red", subject_type="fund_payment", **_keys("fd_r2"),
    inputs=("fd_payments",), fn=duplicate_payment,
    params=(_p("fd_r2", "window_days", 30, 1, 366),))
FD_Y1 = Rule(
    id="FD-Y1", system="S4", partition="department", level="yellow", subject_type="department_recipient", **_keys("fd_y1"),
    inputs=("fd_payments",), fn=split_payments, version=2,
    params=(_p("fd_y1", "min_payments", 3, 2, 100), _p("fd_y1", "window_days", 30, 1, 366),
            _p("fd_y1", "low_share", 0.85, 0, 1), _p("fd_y1", "high_share", 1.0, 0, 1)))
FD_Y2 = Rule(
    id="FD-Y2", system="S4", partition="department", level="yellow", subject_type="special_fund", **_keys("fd_y2"),
    inputs=("fd_funds", "fd_payments", "clock"), fn=idle_fund, volatile=("paid",), version=2,
    params=(_p("fd_y2", "months", 6, 1, 36), _p("fd_y2", "min_share", 0.3, 0, 1)))
FD_Y3 = Rule(
    id="FD-Y3", system="S4", partition="department", level="yellow", subject_type="fund_year", **_keys("fd_y3"),
    inputs=("fd_payments",), fn=year_end_rush, version=2,
    volatile=("year_total", "december", "december_share"),
    params=(_p("fd_y3", "max_share", 0.4, 0, 1),))

RULES = (AP_Y1, AP_R1, AP_Y2, AP_R2, AP_R3, AP_Y3, AP_Y4, AP_Y5, AP_Y6, AP_Y7,
         FD_R1, FD_R2, FD_Y1, FD_Y2, FD_Y3,)
