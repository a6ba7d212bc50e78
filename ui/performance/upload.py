"""Manual scores by upload inside the workbench (evaluators do not use the data officers'
upload page): the kind's template, the shared pipeline's checks by row and column, preview and
all-or-nothing write."""

from __future__ import annotations

import streamlit as st

from data_checks.kinds import get_kind
from services.platform import ingest
from ui.platform.context import UserContext
from ui.platform.db import get_engine, unit_of_work
from ui.platform.file_drop import file_uploader
from ui.platform.i18n import current_language, t
from ui.platform.upload_widgets import result_message, show_errors, show_preview, template_button

KIND = "perf_manual_scores"


def manual_upload(ctx: UserContext, on_done) -> None:  # noqa: ANN001
    kind = get_kind(KIND)
    template_button(kind)
    state = "pw_upload_result"
    uploaded = file_uploader(t("performance.workbench.upload"), key="pw_upload_file")
    if st.button(t("performance.workbench.check"), disabled=uploaded is None, key="pw_upload_check"):
        with unit_of_work() as session:
            st.session_state[state] = ingest.prepare(
                KIND, uploaded.name, uploaded.getvalue(), session=session, actor=ctx.username,
                scope=ctx.scope, lang=current_language(), roles=ctx.roles)
    result = st.session_state.get(state)
    if result is None:
        return
    if result.status == "rejected":
        show_errors(result)
    elif result.status == "ready":
        show_preview(result)
        if st.button(t("performance.workbench.confirm"), type="primary", key="pw_upload_commit"):
            try:
                done = ingest.commit(get_engine(), result, actor=ctx.username, scope=ctx.scope)
            except ingest.IngestError as exc:
                st.error(t(exc.key, **exc.params))
            else:
                del st.session_state[state]
                on_done(result_message(done))
    else:
        st.info(result_message(result))
