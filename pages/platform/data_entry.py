"""单条录入 / Single entry: a form per upload kind, checked and written like an upload."""

import streamlit as st

from services.platform import ingest
from ui.lights.pending import lights_status
from ui.platform.context import require_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.i18n import current_language, t
from ui.platform.upload_widgets import entry_errors, field_widget, pick_kind

ctx = require_user("admin", "data_officer")
st.title(t("ingest.entry_title"))

kind = pick_kind(ctx, "entry_kind")
if kind is None:
    st.stop()
lang = current_language()
st.caption(t("ingest.entry_help", key="、".join(kind.column(k).header(lang)
                                                for k in kind.natural_key)))

with st.form(f"entry_{kind.key}"):
    values = {col.field: field_widget(col, f"entry_{kind.key}_{col.field}")
              for col in kind.columns}
    submitted = st.form_submit_button(t("ingest.entry_submit"), type="primary")

if submitted:
    with unit_of_work() as session:
        result = ingest.prepare_record(kind.key, values, session=session, actor=ctx.username,
                                       scope=ctx.scope, lang=lang, roles=ctx.roles)
    if result.status == "ready":
        result = ingest.commit(get_engine(), result, actor=ctx.username, scope=ctx.scope)
    if result.status == "rejected":
        entry_errors(result)
    elif result.status == "unchanged":
        st.info(t("ingest.entry_unchanged"))
    else:
        st.success(t("ingest.entry_saved", new=result.rows_new, changed=result.rows_changed))
        st.session_state[f"entry_batch_{kind.key}"] = result.batch_id
lights_status(st.session_state.get(f"entry_batch_{kind.key}"))  # "预警更新中…" until they are in
