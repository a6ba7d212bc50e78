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
from ui.platform.tables import data_table, page_range
from ui.trading.display import labelled
from ui.trading.filters import register_filters
from ui.trading.register_cache import cached_register, cached_register_order, cached_register_rows

COLUMNS = {"ocid": "ocid", "title": "title", "domain": "domain", "method_details": "method",
           "department_name": "buyer", "budget": "budget", "start_on": "start_on",
           "end_on": "end_on", "status": "status", "bidders": "bidders", "winner": "winner",
           "award_amount": "award_amount", "red": "red", "yellow": "yellow", "rules": "rules"}

ctx = require_user()
st.title(t("trading.register.title"))
st.caption(t("trading.register.caption"))
flt = register_filters(ctx)
order = cached_register_order(ctx.scope, flt)  # every process of the filter, newest first
st.caption(t("trading.register.count", n=order.height, red=int((order["red"] > 0).sum()),
             yellow=int((order["yellow"] > 0).sum())))
if order.height == 0:
    st.info(t("trading.register.none"))
    st.stop()
# the rows of the page shown are built (bidders, winner); the Excel export holds them all
offset, length = page_range(order.height, key="tr_page")
table = cached_register_rows(ctx.scope, flt, tuple(order["ocid"].slice(offset, length)))
event = data_table(no_nulls(labelled(table, COLUMNS)), hide_index=True, width="stretch", height=460,
                   key=f"tr_table_{offset}", on_select="rerun", selection_mode="single-row")
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
                   data=lambda: to_xlsx({t("trading.register.sheet"):
                                         labelled(cached_register(ctx.scope, flt), COLUMNS)}),
                   file_name="trading_register.xlsx", icon=":material/download:")
c2.download_button(t("trading.register.export_ocds"), data=_package, file_name="release_package.json",
                   mime="application/json", icon=":material/data_object:")
c3.download_button(t("trading.register.export_jsonl"), data=_jsonl, file_name="compiled_releases.jsonl",
                   mime="application/json", icon=":material/data_object:")
