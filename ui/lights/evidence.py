"""The evidence files of a 督办 order on the orders page: downloads for everyone who sees the
order, an upload for the addressed department while it may still answer. Files are only ever
offered as downloads (as application/octet-stream), never shown in the page."""

from __future__ import annotations

import streamlit as st

from data_checks.parsing import MB
from services.lights.evidence import (
    ANSWERABLE,
    EXTENSIONS,
    MAX_BYTES,
    add_evidence,
    evidence_file,
    evidence_list,
)
from ui.lights.detail import run_action
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.platform.file_drop import file_uploader
from ui.platform.formatting import local_time, md_escape
from ui.platform.i18n import t

UPLOAD_TYPES = sorted({e for exts in EXTENSIONS.values() for e in exts})


def _bytes(ctx: UserContext, evidence_id: int):  # noqa: ANN202
    def data() -> bytes:  # read on click, in the user's scope
        with unit_of_work() as session:
            found = evidence_file(session=session, scope=ctx.scope, evidence_id=evidence_id)
        return found[2] if found else b""
    return data


def evidence_section(ctx: UserContext, order: dict) -> None:
    st.markdown(f"**{t('lights.evidence.title')}**")
    with unit_of_work() as session:
        files = evidence_list(session=session, scope=ctx.scope, order_id=order["id"])
    if files.is_empty():
        st.caption(t("lights.evidence.none"))
    for row in files.iter_rows(named=True):
        st.download_button(
            t("lights.evidence.download", name=row["file_name"], kb=f"{-(-row['size'] // 1024):,}"),
            data=_bytes(ctx, row["id"]), file_name=row["file_name"],
            mime="application/octet-stream", on_click="ignore", icon=":material/attach_file:",
            key=f"so_ev_{row['id']}", help=md_escape(t(
                "lights.evidence.uploaded", who=row["uploaded_by_name"],
                at=local_time(row["uploaded_at"]))))
    if not (ctx.has_any("data_officer") and order["status"] in ANSWERABLE):
        return
    with st.form("so_evidence", clear_on_submit=True):
        uploads = file_uploader(t("lights.evidence.upload"), types=UPLOAD_TYPES, multiple=True,
                                key="so_ev_files", limit_mb=MAX_BYTES // MB)
        if st.form_submit_button(t("lights.evidence.add"), icon=":material/upload:") and uploads:
            run_action(lambda s: [add_evidence(session=s, actor=ctx.username, scope=ctx.scope,
                                               order_id=order["id"], file_name=f.name,
                                               content=f.getvalue()) for f in uploads],
                       t("lights.evidence.added", n=len(uploads)))
