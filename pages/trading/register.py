"""交易项目登记 / Trading register: every process in scope with its bidders, winner and
lights; filters in the URL; Excel and OCDS exports."""

import json

import streamlit as st

from services.platform.export import to_xlsx
from services.trading import ocds_export
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import no_nulls
from ui.platform.i18n import t
from ui.platform.tables import data_table
from ui.trading.display import labelled
from ui.trading.filters import register_filters
from ui.trading.register_cache import cached_register

COLUMNS = {"ocid": "ocid", "title": "title", "domain": "domain", "method_details": "method",
           "department_name": "buyer", "budget": "budget", "start_on": "start_on",
           "end_on": "end_on", "status": "status", "bidders": "bidders", "winner": "winner",
           "award_amount": "award_amount", "red": "red", "yellow": "yellow", "rules": "rules"}

MAX_ROWS = 2000

ctx = require_user()
st.title(t("trading.register.title"))
st.caption(t("trading.register.caption"))
flt = register_filters(ctx)
table = cached_register(ctx.scope, flt)
st.caption(t("trading.register.count", n=table.height, red=int((table["red"] > 0).sum()),
             yellow=int((table["yellow"] > 0).sum())))
if table.height == 0:
    st.info(t("trading.register.none"))
    st.stop()
# a screen shows the newest MAX_ROWS (the filters narrow it; the Excel export holds them all)
shown = labelled(table.head(MAX_ROWS), COLUMNS)
if table.height > MAX_ROWS:
    st.caption(t("trading.register.first", n=MAX_ROWS))
event = data_table(no_nulls(shown), hide_index=True, width="stretch", height=460, key="tr_table",
                     on_select="rerun", selection_mode="single-row")
rows = event.selection.rows if event and event.selection else []
if rows:
    st.page_link("pages/trading/process.py", label=t("trading.register.open"),
                 query_params={"ocid": table["ocid"][rows[0]]}, icon=":material/open_in_new:")
else:
    st.caption(t("trading.register.pick"))


def _package() -> bytes:
    with unit_of_work() as session:
        pkg = ocds_export.export_package(session=session, scope=ctx.scope, flt=flt)
    return json.dumps(pkg, ensure_ascii=False, indent=1).encode("utf-8")


def _jsonl() -> bytes:
    with unit_of_work() as session:
        return ocds_export.export_jsonl(session=session, scope=ctx.scope, flt=flt).encode("utf-8")


c1, c2, c3 = st.columns(3)
c1.download_button(t("trading.export"),
                   data=lambda: to_xlsx({t("trading.register.sheet"): labelled(table, COLUMNS)}),
                   file_name="trading_register.xlsx", icon=":material/download:")
c2.download_button(t("trading.register.export_ocds"), data=_package, file_name="release_package.json",
                   mime="application/json", icon=":material/data_object:")
c3.download_button(t("trading.register.export_jsonl"), data=_jsonl, file_name="compiled_releases.jsonl",
                   mime="application/json", icon=":material/data_object:")
