"""导入记录 / Import history: every upload attempt in the user's scope, with its problems."""

import streamlit as st

from services.platform import ingest
from services.platform.users import display_names
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.i18n import t
from ui.platform.tables import data_table
from ui.platform.upload_widgets import XLSX_MIME, batches_table

ctx = require_user("admin", "data_officer")
st.title(t("ingest.history_title"))

with unit_of_work() as session:
    batches = ingest.batches_frame(ctx.scope, session=session)
    names = display_names(batches["actor"].to_list(), session=session)
if batches.height == 0:
    st.info(t("ingest.history_empty"))
    st.stop()
data_table(batches_table(batches, names), hide_index=True, width="stretch")

with_report = batches.filter(batches["has_report"])["id"].to_list()
if with_report:
    batch_id = st.selectbox(t("ingest.history_pick"), with_report,
                            format_func=lambda b: t("ingest.hist_id") + f" {b}")
    with unit_of_work() as session:
        report = ingest.batch_error_report(ctx.scope, batch_id, session=session)
    if report:
        st.download_button(t("ingest.history_download", batch=batch_id), data=report,
                           file_name=f"import_{batch_id}_errors.xlsx", mime=XLSX_MIME,
                           icon=":material/download:")
