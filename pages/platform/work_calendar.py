"""工作日历 / Working calendar (admin): official holidays and make-up workdays per year."""


import streamlit as st

from core.clock import china_today
from services.lights.queue import WAKE, request_sync
from services.platform.workcalendar import (
    CalendarError,
    save_year_schedule,
    year_schedule,
    year_sources,
)
from ui.platform.calendar_view import edited_days, sources_table
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table

ctx = require_user("admin")
st.title(t("calendar.title"))
st.caption(t("calendar.intro"))

this_year = china_today().year
years = range(this_year - 2, this_year + 2)
with unit_of_work() as session:
    sources = year_sources(years, session=session)
data_table(sources_table(years, sources), hide_index=True)
unknown = [str(y) for y in years if sources[y] == "weekdays"]
if unknown:
    st.warning(t("calendar.warn_unknown", years="、".join(unknown)))

year = st.selectbox(t("calendar.year"), list(years), index=list(years).index(this_year + 1))
kinds = {"holiday": t("calendar.kind_holiday"), "workday": t("calendar.kind_workday")}
with unit_of_work() as session:
    schedule = year_schedule(year, session=session)
st.caption(t("calendar.editor_help"))
with st.form(f"calendar_{year}"):
    edited = st.data_editor(
        schedule.to_pandas(), num_rows="dynamic", hide_index=True, key=f"editor_{year}",
        column_config={
            "day": st.column_config.DateColumn(t("calendar.col_day"), format="YYYY-MM-DD", required=True),
            "kind": st.column_config.SelectboxColumn(t("calendar.col_kind"), options=list(kinds),
                                                     required=True, default="holiday"),
            "name": st.column_config.TextColumn(t("calendar.col_name"), max_chars=32),
        },
    )
    note = st.text_input(t("calendar.note"), max_chars=255)
    if st.form_submit_button(t("calendar.save"), type="primary"):
        frame = edited_days(edited)
        try:
            with unit_of_work() as session:
                n = save_year_schedule(session=session, actor=ctx.username, year=year, days=frame,
                                       source_note=note)
                # working days moved: every deadline light is re-checked in the background
                request_sync(session, actor=ctx.username, departments=None)
            WAKE.set()
        except CalendarError as exc:
            st.error(error_text(exc))
        else:
            st.success(t("calendar.saved", year=year, n=n))
