"""Shared Streamlit pieces of the S1 pages: filters, tables, the power form, flow charts."""

from __future__ import annotations

import polars as pl
import streamlit as st
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from metrics.power.flow_dot import flow_dot
from metrics.power.flowchart import FlowIssue
from models.db import session_scope
from models.power import POWER_CATEGORIES, POWER_STATUSES, RISK_LEVELS, PowerCreate
from services.platform.org import departments_frame, regions_frame
from services.power import catalog as power_service
from ui.lights.export import about_sheet
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape, no_nulls
from ui.platform.forms import validation_message
from ui.platform.i18n import t
from ui.platform.tables import data_table

SELECTED_KEY = "power_selected_id"


def status_label(status: str) -> str:
    return t(f"power.status.{status}")


def level_label(level: str | None) -> str:
    """A risk level (stored as 高/中/低, the register's own words) in the user's language."""
    return t(f"power.risk_level.{level}") if level in RISK_LEVELS else (level or "—")


def level_labels(col: str = "level") -> pl.Expr:
    return pl.col(col).replace_strict({lv: level_label(lv) for lv in RISK_LEVELS},
                                      default=pl.col(col), return_dtype=pl.String)


def can_edit(ctx: UserContext) -> bool:
    return ctx.has_any("admin", "data_officer")


def _place_boxes(ctx: UserContext, cols: list, key: str) -> tuple[str | None, int | None,
                                                                 dict, dict]:
    """Region and department boxes (departments of the chosen region) in the first two
    columns; returns the choices and the names of every region and department offered."""
    with unit_of_work() as session:
        regions = regions_frame(ctx.scope, session=session)
    names = dict(zip(regions["code"], regions["name"], strict=True))
    region = cols[0].selectbox(t("power.ui.region"), [None, *regions["code"].to_list()],
                               format_func=lambda c: t("power.ui.all") if c is None else names[c],
                               key=f"{key}_region")
    with unit_of_work() as session:
        depts = departments_frame(ctx.scope, region_code=region, session=session)
    dnames = dict(zip(depts["id"], depts["name"], strict=True))
    dept = cols[1].selectbox(t("power.ui.department"), [None, *depts["id"].to_list()],
                             format_func=lambda d: t("power.ui.all") if d is None else dnames[d],
                             key=f"{key}_dept")
    return region, dept, names, dnames


def catalog_filters(ctx: UserContext, *, key: str,
                    with_status: bool = True) -> dict:
    """Region, department, category, status and a search box; returns the chosen values and,
    under `labels`, their names for an export."""
    cols = st.columns(5 if with_status else 4)
    region, dept, names, dnames = _place_boxes(ctx, cols, key)
    category = cols[2].selectbox(t("power.ui.category"), [None, *POWER_CATEGORIES],
                                 format_func=lambda c: t("power.ui.all") if c is None else c,
                                 key=f"{key}_cat")
    status = None
    if with_status:
        status = cols[3].selectbox(t("power.ui.status"), [None, *POWER_STATUSES],
                                   format_func=lambda s: t("power.ui.all") if s is None
                                   else status_label(s), key=f"{key}_status")
    search = cols[-1].text_input(t("power.ui.search"), key=f"{key}_search")
    every = t("power.ui.all")
    labels = {t("power.ui.region"): names[region] if region else every,
              t("power.ui.department"): dnames[dept] if dept else every,
              t("power.ui.category"): category or every,
              **({t("power.ui.status"): status_label(status) if status else every}
                 if with_status else {}),
              t("power.ui.search"): search or every}
    return dict(region_code=region, department_id=dept, category=category, status=status,
                search=search or None, labels=labels)


def place_date_filters(ctx: UserContext, *, key: str, date_label: str) -> dict:
    """Region (exactly), department and a date range; returns the chosen values and, for
    exports, their names (`labels`)."""
    cols = st.columns(3)
    region, dept, names, dnames = _place_boxes(ctx, cols, key)
    picked = cols[2].date_input(date_label, value=(), key=f"{key}_dates", format="YYYY-MM-DD")
    picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
    since = picked[0] if picked else None
    until = picked[1] if len(picked) > 1 else since
    every = t("power.ui.all")
    labels = {t("power.ui.region"): names[region] if region else every,
              t("power.ui.department"): dnames[dept] if dept else every,
              date_label: f"{since} — {until}" if since else every}
    return dict(region_code=region, department_id=dept, since=since, until=until, labels=labels)


def catalog_export(ctx: UserContext, flt: dict, labels: dict[str, str], *,
                   engine: Engine) -> dict[str, pl.DataFrame]:
    """The catalog workbook: an about sheet (filters, time, rows) and every power `flt` selects."""
    with session_scope(engine) as session:
        rows = powers_display(power_service.powers_frame(ctx.scope, session=session, **flt))
    return {t("core.export.about_sheet"): about_sheet(ctx, labels, rows=rows.height),
            t("power.ui.catalog_title"): rows}


def powers_display(df: pl.DataFrame, *, public: bool = False) -> pl.DataFrame:
    cols = [pl.col("code").alias(t("power.ui.code")), pl.col("name").alias(t("power.ui.name")),
            pl.col("category").alias(t("power.ui.category")),
            pl.col("department").alias(t("power.ui.department")),
            pl.col("statutory_limit_days").alias(t("power.ui.statutory")),
            pl.col("promised_limit_days").alias(t("power.ui.promised")),
            pl.when(pl.col("fee_standard").is_null()).then(pl.lit(t("power.ui.free")))
            .otherwise(pl.col("fee_standard").cast(pl.String)).alias(t("power.ui.fee")),
            pl.col("online_available").alias(t("power.ui.online"))]
    if not public:
        cols += [pl.col("version").alias(t("power.ui.version")),
                 pl.col("status").replace_strict({s: status_label(s) for s in POWER_STATUSES})
                 .alias(t("power.ui.status"))]
    return df.select(cols)


def pick_power(df: pl.DataFrame, *, key: str, public: bool = False) -> int | None:
    """The table of powers; a clicked row selects a power (its id)."""
    event = data_table(powers_display(df, public=public), hide_index=True, width="stretch",
                         on_select="rerun", selection_mode="single-row", key=key)
    rows = event.selection.rows if event and event.selection else []
    return int(df["id"][rows[0]]) if rows else None


def power_form(key: str, depts: pl.DataFrame, initial: dict | None = None) -> PowerCreate | None:
    """Create/edit form; returns the validated input when submitted and valid."""
    init = initial or {}
    dnames = dict(zip(depts["id"], depts["name"], strict=True))
    dept_ids = depts["id"].to_list()
    with st.form(key):
        c1, c2 = st.columns(2)
        code = c1.text_input(t("power.ui.code"), value=init.get("code", ""),
                             disabled=bool(initial))
        name = c2.text_input(t("power.ui.name"), value=init.get("name", ""))
        cat = c1.selectbox(t("power.ui.category"), POWER_CATEGORIES,
                           index=POWER_CATEGORIES.index(init.get("category", "行政许可")))
        dept_index = dept_ids.index(init["department_id"]) if init.get("department_id") in dept_ids else 0
        dept = c2.selectbox(t("power.ui.department"), dept_ids, index=dept_index,
                            format_func=lambda d: dnames[d])
        basis = st.text_area(t("power.ui.legal_basis"), value=init.get("legal_basis", ""))
        c3, c4, c5 = st.columns(3)
        stat = c3.number_input(t("power.ui.statutory"), 0, 3650,
                               int(init.get("statutory_limit_days", 20)))
        prom = c4.number_input(t("power.ui.promised"), 0, 3650,
                               int(init.get("promised_limit_days", 10)))
        fee = c5.number_input(t("power.ui.fee_input"), 0.0, 1e7,
                              float(init.get("fee_standard") or 0.0))
        online = st.checkbox(t("power.ui.online"), value=bool(init.get("online_available", True)))
        note = st.text_area(t("power.ui.internal_note"), value=init.get("internal_note") or "")
        if not st.form_submit_button(t("core.save"), type="primary"):
            return None
    try:
        return PowerCreate.model_validate(dict(
            code=code.strip(), name=name.strip(), category=cat, department_id=dept,
            legal_basis=basis.strip(), statutory_limit_days=int(stat),
            promised_limit_days=int(prom), fee_standard=float(fee) or None,
            online_available=online, internal_note=note.strip() or None))
    except ValidationError as exc:
        st.error(validation_message(exc))
        return None


def show_issues(issues: list[FlowIssue] | list[tuple[str, dict]]) -> None:
    for item in issues:
        key, params = (item.key, item.params) if isinstance(item, FlowIssue) else item
        # step and power names in the parameters are data: shown as typed, never as markup
        safe = {k: md_escape(v) if isinstance(v, str) else v for k, v in params.items()}
        if "level" in params:
            safe["level"] = level_label(params["level"])
        st.warning(t(key, **safe), icon=":material/warning:")


def flow_chart(steps: pl.DataFrame, edges: pl.DataFrame, risks: pl.DataFrame | None) -> None:
    if steps.is_empty():
        st.info(t("power.flow.no_steps"))
        return
    words = {"days": t("power.ui.days"), "risk": t("power.ui.risk")}
    dot = flow_dot(steps, edges, risks, labels=words | {f"level:{lv}": level_label(lv)
                                                         for lv in RISK_LEVELS})
    st.graphviz_chart(dot, width="stretch")


def inspections_display(df: pl.DataFrame) -> pl.DataFrame:
    return no_nulls(df.select(
        pl.col("inspected_on").alias(t("power.ui.inspected_on")),
        pl.col("department").alias(t("power.ui.department")),
        pl.col("power").alias(t("power.ui.name")),
        pl.col("findings").alias(t("power.ui.findings")),
        pl.col("rectify_by").alias(t("power.ui.rectify_by")),
        pl.col("rectified_on").alias(t("power.ui.rectified_on")),
        pl.col("overdue").alias(t("power.ui.insp_overdue")),
        pl.col("inspector").alias(t("power.ui.inspector"))))
