"""预警规则 / Light rules (admin): every rule with its definition, basis and parameters;
parameter changes are audited and ask the sync worker for a full sync (issue 12)."""

import json

import polars as pl
import streamlit as st

from metrics.lights.registry import RULES
from services.lights.queue import WAKE, request_sync
from services.lights.rule_settings import RuleSettingError, settings_frame, update_param
from ui.lights.format import level_text, system_label
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import local_time
from ui.platform.i18n import error_text, t

ctx = require_user("admin")
st.title(t("lights.settings.title"))
st.caption(t("lights.settings.caption", n=len(RULES)))
if message := st.session_state.pop("rule_settings_flash", None):
    st.success(message)

with unit_of_work() as session:
    settings = settings_frame(session=session)
for rule in sorted(RULES.values(), key=lambda r: r.id):
    with st.expander(f"{rule.id} · {t(rule.title_key)} · {level_text(rule.level)}"):
        st.markdown(f"**{t('lights.detail.system')}**：{system_label(rule.system)}　"
                    f"**{t('lights.settings.version')}**：{rule.version}")
        st.markdown(f"**{t('lights.detail.definition')}**：{t(rule.definition_key)}")
        st.markdown(f"**{t('lights.detail.basis')}**：{t(rule.basis_key)}")
        if not rule.params:
            st.caption(t("lights.settings.no_params"))
            continue
        rows = settings.filter(pl.col("rule_id") == rule.id)
        with st.form(f"rule_{rule.id}"):
            values = {}
            for p, row in zip(rule.params, rows.iter_rows(named=True), strict=True):
                current = json.loads(row["value"])
                help_text = t("lights.settings.param_help", default=p.default,
                              by=row["updated_by"] or "—", at=local_time(row["updated_at"]) or "—")
                if isinstance(p.default, int | float) and not isinstance(p.default, bool):
                    values[p.name] = st.number_input(
                        t(p.label_key), value=current, help=help_text, key=f"rp_{rule.id}_{p.name}",
                        step=1 if isinstance(p.default, int) else 0.1,
                        min_value=type(p.default)(p.min) if p.min is not None else None,
                        max_value=type(p.default)(p.max) if p.max is not None else None)
                else:
                    values[p.name] = st.text_input(t(p.label_key), value=str(current),
                                                   help=help_text, key=f"rp_{rule.id}_{p.name}")
            if st.form_submit_button(t("core.save"), type="primary"):
                try:  # the rule's parameters are saved together or not at all
                    with unit_of_work() as session:
                        for name, value in values.items():
                            update_param(session=session, actor=ctx.username, rule_id=rule.id,
                                         param=name, value=value)
                        # the lights follow in the background worker (issue 12)
                        request_sync(session, actor=ctx.username, departments=None)
                    WAKE.set()
                except RuleSettingError as exc:
                    st.error(error_text(exc))
                else:
                    st.session_state["rule_settings_flash"] = t("lights.settings.saved", rule=rule.id)
                    st.rerun()
