"""The lights centre's filters, kept in the URL (st.query_params) so a filtered view is a link.

URL keys: system, level, status, rule (comma-separated), region (6-digit code), dept (id),
since / until (YYYY-MM-DD), alert (the alert shown in detail). Without a status in the URL
the centre opens on the open alerts (open, acknowledged, under 督办)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from metrics.lights.board import OPEN_STATUSES
from models.lights import ALERT_STATUSES
from services.lights.read import AlertFilter, rule_choices
from services.platform.org import departments_frame, regions_frame
from ui.lights.format import SYSTEMS, rule_title, status_label, system_label
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.platform.i18n import t

LIST_PARAMS = {"system": "lf_system", "level": "lf_level", "status": "lf_status", "rule": "lf_rule"}
PREFIX = "lf_"


def _qp_list(name: str) -> list[str]:
    raw = st.query_params.get(name) or ""
    return [v for v in raw.split(",") if v]


def _qp_date(name: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(name) or "")
    except ValueError:
        return None


def _qp_int(name: str) -> int | None:
    raw = st.query_params.get(name) or ""
    return int(raw) if raw.isdigit() else None


FILTER_KEYS = (*LIST_PARAMS.values(), "lf_region", "lf_dept", "lf_since", "lf_until")


def _init_from_url(options: dict[str, list[str]], region_codes: list[str]) -> None:
    """First run of the page in this session: widgets start from the URL."""
    for param, key in LIST_PARAMS.items():
        wanted = _qp_list(param)
        if param == "status" and "status" not in st.query_params:
            wanted = [str(s) for s in OPEN_STATUSES]
        st.session_state.setdefault(key, [str(v) for v in wanted if v in options[param]])
    region = st.query_params.get("region")
    st.session_state.setdefault("lf_region", region if region in region_codes else None)
    st.session_state.setdefault("lf_dept", _qp_int("dept"))
    st.session_state.setdefault("lf_since", _qp_date("since"))
    st.session_state.setdefault("lf_until", _qp_date("until"))
    _resend(FILTER_KEYS)


def _resend(keys) -> None:  # noqa: ANN001
    """Set each value again, so every run sends it to the browser: a value set only in a run
    that a rerun cut short (the login cookie's, just after a page loads) never reaches the
    box, which then shows 全部 while the table is filtered."""
    for key in keys:
        st.session_state[key] = st.session_state[key]


def _to_url(flt: AlertFilter, alert_id: int | None) -> None:
    wanted = {
        "system": ",".join(flt.systems), "level": ",".join(flt.levels),
        "status": ",".join(flt.statuses), "rule": ",".join(flt.rule_ids),
        "region": flt.region_code or "", "dept": str(flt.department_id or ""),
        "since": flt.since.isoformat() if flt.since else "",
        "until": flt.until.isoformat() if flt.until else "",
        "alert": str(alert_id or ""),
    }
    wanted = {k: v for k, v in wanted.items() if v}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def alert_filter(ctx: UserContext) -> AlertFilter:
    with unit_of_work() as session:
        regions = regions_frame(ctx.scope, session=session)
        rules = rule_choices(session=session, scope=ctx.scope)
    names = dict(zip(regions["code"], regions["name"], strict=True))
    options = {"system": list(SYSTEMS), "level": ["red", "yellow"],
               "status": list(ALERT_STATUSES), "rule": rules}
    _init_from_url(options, list(names))
    c1, c2, c3, c4 = st.columns(4)
    systems = c1.multiselect(t("lights.f.system"), options["system"], key="lf_system",
                             format_func=system_label, placeholder=t("lights.f.any"))
    levels = c2.multiselect(t("lights.f.level"), options["level"], key="lf_level",
                            format_func=lambda v: t(f"lights.level.{v}"), placeholder=t("lights.f.any"))
    statuses = c3.multiselect(t("lights.f.status"), options["status"], key="lf_status",
                              format_func=status_label, placeholder=t("lights.f.any"))
    rules = c4.multiselect(t("lights.f.rule"), options["rule"], key="lf_rule",
                           format_func=rule_title, placeholder=t("lights.f.any"))
    c5, c6, c7, c8 = st.columns(4)
    region = c5.selectbox(t("lights.f.region"), [None, *names], key="lf_region",
                          placeholder=t("lights.f.any"),
                          format_func=lambda c: t("lights.f.any") if c is None else f"{names[c]}（{c}）")
    with unit_of_work() as session:
        depts = departments_frame(ctx.scope, region_code=region, session=session)
    dept_names = dict(zip(depts["id"], depts["name"], strict=True))
    if st.session_state.get("lf_dept") not in dept_names:
        st.session_state["lf_dept"] = None
    dept = c6.selectbox(t("lights.f.department"), [None, *dept_names], key="lf_dept",
                        placeholder=t("lights.f.any"),
                        format_func=lambda i: t("lights.f.any") if i is None else dept_names[i])
    since = c7.date_input(t("lights.f.since"), key="lf_since", format="YYYY-MM-DD")
    until = c8.date_input(t("lights.f.until"), key="lf_until", format="YYYY-MM-DD")
    # the names of the picked places, for the export's list of filters
    st.session_state["lf_names"] = (names.get(region) if region else None,
                                    dept_names.get(dept) if dept else None)
    return AlertFilter(systems=tuple(systems), levels=tuple(levels), statuses=tuple(statuses),
                       rule_ids=tuple(rules), region_code=region, department_id=dept,
                       since=since, until=until)


def url_alert() -> int | None:
    """The alert a shared link names (`?alert=<id>`)."""
    return _qp_int("alert")


def sync_url(flt: AlertFilter, alert_id: int | None) -> None:
    _to_url(flt, alert_id)
