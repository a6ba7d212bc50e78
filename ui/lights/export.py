"""Excel exports that say what they hold: every row the filter selects (or, where a page caps
what it reads, a line saying so), the filters applied, who exported and when (Beijing time).
The workbook is built when the user clicks (`st.download_button(data=callable)`), never on
every run of the page."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from core.clock import china_now
from models.db import session_scope
from services.lights.read import AlertFilter, alerts_frame
from services.platform.export import to_xlsx
from services.platform.org import regions_frame
from ui.lights.format import alerts_display, language, rule_title, status_label, system_label, t
from ui.platform.context import UserContext
from ui.platform.db import get_engine
from ui.platform.i18n import current_language

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def about_sheet(ctx: UserContext, filters: dict[str, str], *, rows: int,
                complete: bool = True, limit: int | None = None) -> pl.DataFrame:
    """The export's first sheet: what was exported, by whom, when, with which filters."""
    items = [(t("core.export.exported_at"), china_now().strftime("%Y-%m-%d %H:%M:%S")),
             (t("core.export.exported_by"), ctx.display_name or ctx.username),
             (t("core.export.rows"), str(rows)),
             (t("core.export.completeness"),
              t("core.export.complete") if complete else t("core.export.capped", n=limit or rows))]
    items += [(name, value or t("core.export.any")) for name, value in filters.items()]
    return pl.DataFrame(items, schema={t("core.export.item"): pl.String,
                                       t("core.export.value"): pl.String}, orient="row")


def download(label: str, file_name: str, build: Callable[[], dict[str, pl.DataFrame]], *,
             key: str) -> None:
    """A download button whose workbook `build()` makes on click, in the user's language
    (the click runs outside the page's script run)."""
    lang = current_language()

    def data() -> bytes:
        with language(lang):
            return to_xlsx(build())

    st.download_button(label, data=data, file_name=file_name, mime=XLSX,
                       icon=":material/download:", key=key, on_click="ignore")


def alert_filters_text(flt: AlertFilter, region_name: str | None = None,
                       department_name: str | None = None) -> dict[str, str]:
    join = "、".join
    return {
        t("lights.f.system"): join(system_label(s) for s in flt.systems),
        t("lights.f.level"): join(t(f"lights.level.{lv}") for lv in flt.levels),
        t("lights.f.status"): join(status_label(s) for s in flt.statuses),
        t("lights.f.rule"): join(rule_title(r) for r in flt.rule_ids),
        t("lights.f.region"): region_name or "",
        t("lights.f.department"): department_name or "",
        t("lights.f.since"): flt.since.isoformat() if flt.since else "",
        t("lights.f.until"): flt.until.isoformat() if flt.until else "",
    }


def alerts_export(ctx: UserContext, flt: AlertFilter, *, engine: Engine,
                  region_name: str | None = None,
                  department_name: str | None = None) -> dict[str, pl.DataFrame]:
    """The workbook's sheets: about (filters, time, rows) and every alert the filter selects."""
    with session_scope(engine) as session:
        rows = alerts_display(alerts_frame(session=session, scope=ctx.scope, flt=flt))
        if flt.region_code and not region_name:  # the region by name, never its bare code
            regions = regions_frame(ctx.scope, session=session)
            found = regions.filter(pl.col("code") == flt.region_code)["name"]
            region_name = found[0] if found.len() else t("lights.f.region_unknown")
    about = about_sheet(ctx, alert_filters_text(flt, region_name, department_name),
                        rows=rows.height)
    return {t("core.export.about_sheet"): about, t("lights.centre.sheet"): rows}


def export_button(ctx: UserContext, flt: AlertFilter, *, region_name: str | None = None,
                  department_name: str | None = None) -> None:
    """The lights centre's export: every alert the filter selects (the table on screen may be
    capped), read again on click."""
    engine = get_engine()
    download(t("core.export_xlsx"), "alerts.xlsx",
             lambda: alerts_export(ctx, flt, engine=engine, region_name=region_name,
                                   department_name=department_name), key="lc_export")
