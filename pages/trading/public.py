"""交易信息公开 / Public disclosure, no login: notices, awards and contracts; bid opening
records only of awarded processes; never personal data (names, telephones, accounts)."""

import streamlit as st

from ui.platform.i18n import t
from ui.platform.tables import data_table, page_range
from ui.trading.display import DOMAINS, domain_label, labelled
from ui.trading.register_cache import cached_public_count, cached_public_page, public_stamp

st.title(t("trading.public.title"))
st.caption(t("trading.public.caption"))
domain = st.selectbox(t("trading.public.domain"), [None, *DOMAINS], key="pub_tr_domain",
                      format_func=lambda d: t("trading.register.all") if d is None else domain_label(d))
tabs = st.tabs([t("trading.public.notices"), t("trading.public.awards"), t("trading.public.contracts"),
                t("trading.public.bids")])
COLUMNS = {
    "notices": {"ocid": "ocid", "title": "title", "domain": "domain", "method_details": "method",
                "department_name": "buyer", "agency_name": "agency", "budget": "budget",
                "max_price": "max_price", "start_on": "start_on", "end_on": "end_on",
                "status": "status"},
    "awards": {"ocid": "ocid", "title": "title", "supplier": "supplier", "supplier_uscc": "uscc",
               "amount": "amount", "award_on": "award_on"},
    "contracts": {"ocid": "ocid", "title": "title", "contract_no": "contract_no",
                  "supplier": "supplier", "amount": "amount", "signed_on": "signed_on"},
    "bids": {"ocid": "ocid", "tenderer": "tenderer", "amount": "amount", "status": "status"},
}
stamp = public_stamp()
for tab, (name, columns) in zip(tabs, COLUMNS.items(), strict=True):
    with tab:  # a page of the province's rows at a time, counted and cut in SQL
        offset, limit = page_range(cached_public_count(name, domain, stamp), key=f"pub_tr_{name}_{domain}")
        data_table(labelled(cached_public_page(name, domain, offset, limit, stamp), columns),
                   hide_index=True, width="stretch", height=480)
