"""Shared pieces of the upload, entry and import-history pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import streamlit as st

from data_checks.kinds import Column, UploadKind, kinds_for_roles
from data_checks.templates import template_xlsx
from services.platform import ingest
from ui.platform.context import UserContext
from ui.platform.i18n import current_language, t
from ui.platform.tables import data_table

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200
STAGE_KEYS = {"parse": "ingest.stage_parse", "check": "ingest.stage_check",
              "write": "ingest.stage_write"}


def pick_kind(ctx: UserContext, key: str) -> UploadKind | None:
    """Kind selector limited to the user's roles (and desk-only kinds to users without a
    department); None (with a note) if there is none."""
    kinds = [k for k in kinds_for_roles(ctx.roles)
             if not (k.desk_only and ctx.scope.department_id is not None)]
    if not kinds:
        st.info(t("ingest.no_kinds"))
        return None
    by_key = {k.key: k for k in kinds}
    chosen = st.selectbox(t("ingest.pick_kind"), list(by_key), key=key,
                          format_func=lambda k: t(by_key[k].title_key))
    kind = by_key[chosen]
    if kind.notice_key:
        st.warning(t(kind.notice_key), icon=":material/lock:")
    return kind


def template_button(kind: UploadKind) -> None:
    st.download_button(t("ingest.template_download"), data=lambda: template_xlsx(kind, current_language()),
                       file_name=f"{kind.key}_template.xlsx", mime=XLSX_MIME,
                       icon=":material/download:", key=f"template_{kind.key}")
    st.caption(t("ingest.template_help"))


class StageProgress:
    """`st.status` plus a progress bar, fed by the pipeline's progress callback."""

    def __init__(self, first_stage: str) -> None:
        self.box = st.status(t(STAGE_KEYS[first_stage]), expanded=True)
        self.bar = self.box.progress(0.0)
        self.order = list(STAGE_KEYS)

    def __call__(self, stage: str, fraction: float) -> None:
        self.box.update(label=t(STAGE_KEYS[stage]))
        done = (self.order.index(stage) + max(0.0, min(1.0, fraction))) / len(self.order)
        self.bar.progress(min(1.0, done))

    def finish(self, ok: bool) -> None:
        self.bar.progress(1.0)
        self.box.update(label=t("ingest.stage_done"), state="complete" if ok else "error",
                        expanded=False)


def show_errors(result: ingest.Prepared) -> None:
    """The first errors as a table, the total, and the full report as .xlsx."""
    total = result.errors.height
    lang = current_language()
    st.error(t("ingest.status_rejected") + " " + t("ingest.rejected", errors=total))
    st.caption(t("ingest.errors_shown", total=total, shown=min(total, ERRORS_SHOWN)))
    data_table(ingest.error_report(result.errors, result.kind, lang, limit=ERRORS_SHOWN),
                 hide_index=True, width="stretch")
    st.download_button(t("ingest.errors_download"),
                       data=ingest.error_report_xlsx(result.errors, result.kind, lang),
                       file_name=f"{result.kind}_errors.xlsx", mime=XLSX_MIME,
                       icon=":material/download:", key=f"errors_{result.kind}_{result.sha256[:8]}")


def show_preview(result: ingest.Prepared) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric(t("ingest.status_new"), f"{result.rows_new:,}")
    c2.metric(t("ingest.status_changed"), f"{result.rows_changed:,}")
    c3.metric(t("ingest.status_unchanged"), f"{result.rows_unchanged:,}")
    st.caption(t("ingest.preview_title", rows=result.preview.height))
    data_table(result.preview, hide_index=True, width="stretch")


def result_message(result: ingest.Prepared) -> str:
    return t(result.message_key, **result.message_params) if result.message_key else ""


# ---- entry form --------------------------------------------------------------------------

def _label(col: Column) -> str:
    return col.header(current_language()) + (t("ingest.required_mark") if col.required else "")


def field_widget(col: Column, key: str) -> Any:
    """One input per declared column; values go through the same checks as an upload."""
    lang = current_language()
    help_text = (col.help_zh if lang == "zh_CN" else col.help_en) or None
    if col.type == "list" and col.choices:
        return st.multiselect(_label(col), list(col.choices), key=key, help=help_text,
                              format_func=lambda v: col.choice_label(v, lang),
                              placeholder=t("core.choose"))
    if col.choices:
        options = [""] + list(col.choices)
        index = options.index(col.default) if col.default in options else 0
        return st.selectbox(_label(col), options, index=index, key=key, help=help_text,
                            format_func=lambda v: col.choice_label(v, lang) if v
                            else t("ingest.empty_choice")) or None
    if col.type == "bool":
        return st.checkbox(_label(col), value=bool(col.default) if col.default is not None
                           else False, key=key, help=help_text)
    if col.type == "date":
        value = st.date_input(_label(col), value=None, key=key, help=help_text)
        return value.isoformat() if isinstance(value, date) else None
    return st.text_input(_label(col), key=key, help=help_text, placeholder=col.example,
                         max_chars=col.max_length if col.type == "text" else None)


def entry_errors(result: ingest.Prepared) -> None:
    report = ingest.error_report(result.errors, result.kind, current_language())
    lines = [f"{r[1]}：{r[3]}" if r[1] else r[3] for r in report.iter_rows()]
    st.error("\n\n".join(lines))


def batches_table(batches: pl.DataFrame, names: dict[str, str] | None = None) -> pl.DataFrame:
    """Import history with headers, kind names, result names, local times and who uploaded
    by name (`names`: login -> display name; a command-line import keeps its `cli:` label)."""
    from data_checks.kinds import get_kind

    kind_names = {k: t(get_kind(k).title_key) for k in batches["kind"].unique().to_list()
                  if _known(k)}
    status = {s: t(f"ingest.batch_status_{s}") for s in
              ("rejected", "committed", "unchanged", "dry_run")}
    return batches.select(
        pl.col("id").alias(t("ingest.hist_id")),
        pl.col("created_at").dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M")
        .alias(t("ingest.hist_time")),
        pl.col("kind").replace(kind_names).alias(t("ingest.hist_kind")),
        pl.when(pl.col("file_name") == "form").then(pl.lit(t("ingest.form_record")))
        .otherwise(pl.col("file_name")).alias(t("ingest.hist_file")),
        pl.col("status").replace(status).alias(t("ingest.hist_status")),
        pl.col("rows_total").alias(t("ingest.hist_total")),
        pl.col("rows_new").alias(t("ingest.hist_new")),
        pl.col("rows_changed").alias(t("ingest.hist_changed")),
        pl.col("rows_unchanged").alias(t("ingest.hist_unchanged")),
        pl.col("rows_rejected").alias(t("ingest.hist_rejected")),
        pl.col("actor").replace_strict(names or {}, default=pl.col("actor"), return_dtype=pl.String)
        .alias(t("ingest.hist_actor")),
    )


def _known(kind_key: str) -> bool:
    from data_checks.kinds import get_kind

    try:
        get_kind(kind_key)
    except KeyError:
        return False
    return True
