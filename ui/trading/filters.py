"""The register's filters, kept in the URL (st.query_params) so a link shares the view."""

from __future__ import annotations

from datetime import date

import streamlit as st

from services.trading.ocds_export import RegisterFilter
from ui.platform.context import UserContext
from ui.platform.i18n import t
from ui.trading.display import DOMAINS, METHODS, STATUSES, domain_label, status_label
from ui.trading.register_cache import cached_options


def _param(name: str, choices: list) -> object:
    raw = st.query_params.get(name)
    for c in choices:
        if c is not None and str(c) == raw:
            return c
    return None


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None


WIDGETS = {"domain": "tr_domain", "method": "tr_method", "region": "tr_region", "buyer": "tr_buyer",
           "status": "tr_status"}
SYNCED = "tr_synced_url"


def _follow_url(choices: dict[str, list]) -> None:
    """A URL changed from outside (a shared link, the address bar) wins over the widgets'
    remembered values; a widget the user just changed wins over the URL it will rewrite."""
    last = st.session_state.get(SYNCED, {})
    for name, key in WIDGETS.items():
        raw = st.query_params.get(name)
        if raw != last.get(name) and key in st.session_state:
            st.session_state[key] = _param(name, choices[name])
    period = (_day("from"), _day("to"))
    if (st.query_params.get("from"), st.query_params.get("to")) != (last.get("from"), last.get("to")) \
            and "tr_period" in st.session_state:
        st.session_state["tr_period"] = period if all(period) else ()


def register_filters(ctx: UserContext) -> RegisterFilter:
    options = cached_options(ctx.scope)
    buyers = dict(options["buyers"])
    regions = dict(options["regions"])
    _follow_url({"domain": list(DOMAINS), "method": list(METHODS), "region": list(regions),
                 "buyer": list(buyers), "status": list(STATUSES)})
    all_ = t("trading.register.all")
    c = st.columns(6)
    domain = c[0].selectbox(t("trading.register.domain"), [None, *DOMAINS],
                            index=([None, *DOMAINS].index(_param("domain", list(DOMAINS)))),
                            format_func=lambda d: all_ if d is None else domain_label(d), key="tr_domain")
    method = c[1].selectbox(t("trading.register.method"), [None, *METHODS],
                            index=[None, *METHODS].index(_param("method", list(METHODS))),
                            format_func=lambda m: all_ if m is None else m, key="tr_method")
    region_keys = [None, *regions]
    region = c[2].selectbox(t("trading.register.region"), region_keys,
                            index=region_keys.index(_param("region", region_keys)),
                            format_func=lambda r: all_ if r is None else regions[r], key="tr_region")
    buyer_keys = [None, *buyers]
    buyer = c[3].selectbox(t("trading.register.buyer"), buyer_keys,
                           index=buyer_keys.index(_param("buyer", buyer_keys)),
                           format_func=lambda b: all_ if b is None else buyers[b], key="tr_buyer")
    status = c[4].selectbox(t("trading.register.status"), [None, *STATUSES],
                            index=[None, *STATUSES].index(_param("status", list(STATUSES))),
                            format_func=lambda s: all_ if s is None else status_label(s), key="tr_status")
    start, end = _day("from"), _day("to")
    period = c[5].date_input(t("trading.register.period"),
                             value=(start, end) if start and end else (), key="tr_period")
    if isinstance(period, tuple) and len(period) == 2:
        start, end = period
    flt = RegisterFilter(domain=domain, method=method, region=region, department_id=buyer,
                         status=status, start=start, end=end)
    wanted = {"domain": domain, "method": method, "region": region, "buyer": buyer,
              "status": status, "from": start, "to": end}
    for key, value in wanted.items():
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)
    st.session_state[SYNCED] = {k: (None if v is None else str(v)) for k, v in wanted.items()}
    return flt


def url_text_input(label: str, name: str, key: str) -> str:
    """A text input bound to the URL parameter `name` (a link opens it; typing rewrites it)."""
    synced = f"{key}_synced_url"
    raw = st.query_params.get(name, "")
    if raw != st.session_state.get(synced) and key in st.session_state:
        st.session_state[key] = raw
    value = st.text_input(label, value=raw, key=key).strip()
    if value and st.query_params.get(name) != value:
        st.query_params[name] = value
    st.session_state[synced] = value or raw
    return value
