"""数据上传 / Data upload: template, file, checks with row-level errors, preview, confirm."""

import streamlit as st

from data_checks.parsing import MB
from services.platform import ingest
from ui.lights.pending import lights_status
from ui.platform.context import require_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.file_drop import file_uploader, upload_limit_mb
from ui.platform.i18n import current_language, t
from ui.platform.upload_widgets import (
    StageProgress,
    pick_kind,
    result_message,
    show_errors,
    show_preview,
    template_button,
)

ctx = require_user("admin", "data_officer")
st.title(t("ingest.upload_title"))

kind = pick_kind(ctx, "upload_kind")
if kind is None:
    st.stop()
template_button(kind)

state_key = f"upload_result_{kind.key}"
# One limit (FIVESYS_UPLOAD_MAX_MB), in the label and the drop zone, refused by the browser with
# our words; the check here (and again in the pipeline) is for a file that got past it.
limit_mb = upload_limit_mb()
uploaded = file_uploader(t("security.file_label", limit=limit_mb), key=f"upload_file_{kind.key}")
too_big = uploaded is not None and uploaded.size > limit_mb * MB
if too_big:
    st.error(t("ingest.err_too_big", size=f"{uploaded.size / MB:.1f}", limit=limit_mb))
with st.expander(t("ingest.sheet_label")):
    sheet = st.text_input(t("ingest.sheet_label"), key=f"upload_sheet_{kind.key}",
                          label_visibility="collapsed").strip() or None

if st.button(t("ingest.check_button"), type="primary", disabled=uploaded is None or too_big,
             icon=":material/fact_check:"):
    progress = StageProgress("parse")
    with unit_of_work() as session:
        result = ingest.prepare(kind.key, uploaded.name, uploaded.getvalue(), session=session,
                                actor=ctx.username, scope=ctx.scope, lang=current_language(),
                                roles=ctx.roles, sheet=sheet, progress=progress)
    progress.finish(result.ok)
    st.session_state[state_key] = result

result = st.session_state.get(state_key)
if result is not None:
    if result.status == "rejected":
        show_errors(result)
    elif result.status == "unchanged":
        st.info(result_message(result), icon=":material/check_circle:")
    elif result.status == "committed":
        st.success(result_message(result), icon=":material/done_all:")
        lights_status(result.batch_id)
    elif result.status == "ready":
        st.success(t("ingest.status_ready") + " " + result_message(result))
        show_preview(result)
        left, right = st.columns(2)
        if left.button(t("ingest.confirm_button"), type="primary", icon=":material/upload:"):
            progress = StageProgress("write")
            try:
                result = ingest.commit(get_engine(), result, actor=ctx.username, scope=ctx.scope,
                                       progress=progress)
            except ingest.IngestError as exc:
                st.error(t(exc.key, **exc.params))
            else:
                progress.finish(result.status == "committed")
                st.session_state[state_key] = result
                st.rerun()
        if right.button(t("ingest.cancel_button"), icon=":material/close:"):
            del st.session_state[state_key]
            st.rerun()
