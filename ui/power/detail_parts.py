"""Pieces of the power detail page: lifecycle buttons, flow editor, risk points, versions."""

from __future__ import annotations

import polars as pl
import streamlit as st

from core.clock import china_today
from metrics.power.flowchart import validate_flow
from metrics.power.risk import CRITERIA
from services.power import catalog as power_service
from services.power import lifecycle
from services.power import risk as risk_service
from services.power.lifecycle import TRANSITIONS, PublishRefused
from services.power.risk import RiskPointInput
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.platform.formatting import no_nulls
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table
from ui.power.widgets import SELECTED_KEY, level_labels, show_issues, status_label

TRANSITION_ICONS = {"confirmed": ":material/task_alt:", "published": ":material/public:",
                    "draft": ":material/undo:", "abolished": ":material/block:"}


def lifecycle_buttons(ctx: UserContext, power: dict) -> None:
    if not power["is_current"]:
        st.info(t("power.err_not_current", version=power["version"]))
        return
    targets = TRANSITIONS.get(power["status"], ())
    cols = st.columns(max(len(targets), 1))
    for col, target in zip(cols, targets, strict=False):
        if col.button(t(f"power.ui.to_{target}"), key=f"tr_{target}",
                      icon=TRANSITION_ICONS[target], width="stretch"):
            try:
                with unit_of_work() as session:
                    lifecycle.transition(session=session, actor=ctx.username, scope=ctx.scope,
                                         power_id=power["id"], to_status=target)
            except PublishRefused as exc:
                st.error(error_text(exc))
                show_issues(exc.problems)
            except ValueError as exc:
                st.error(error_text(exc))
            else:
                st.toast(t("power.ui.now_status", status=status_label(target)))
                st.rerun()


def _step_config() -> dict:
    return {
        "seq": st.column_config.NumberColumn(t("power.ui.seq"), min_value=1, step=1, required=True),
        "name": st.column_config.TextColumn(t("power.ui.step_name"), required=True),
        "post": st.column_config.TextColumn(t("power.ui.post")),
        "limit_days": st.column_config.NumberColumn(t("power.ui.limit_days"), min_value=0, step=1),
        "supervision_point": st.column_config.CheckboxColumn(t("power.ui.supervision_point")),
        "discretionary": st.column_config.CheckboxColumn(t("power.ui.discretionary")),
    }


def _edge_config() -> dict:
    return {
        "from_seq": st.column_config.NumberColumn(t("power.ui.from_seq"), min_value=1, step=1,
                                                  required=True),
        "to_seq": st.column_config.NumberColumn(t("power.ui.to_seq"), min_value=1, step=1,
                                                required=True),
        "condition": st.column_config.TextColumn(t("power.ui.condition")),
    }


def flow_editor(ctx: UserContext, power: dict, steps: pl.DataFrame,
                edges: pl.DataFrame) -> None:
    """Table editors for steps and edges; problems are shown live and on saving."""
    st.caption(t("power.ui.flow_help"))
    left, right = st.columns([3, 2])
    with left:
        new_steps = st.data_editor(steps.to_pandas(), num_rows="dynamic", hide_index=True,
                                   column_config=_step_config(), key=f"steps_{power['id']}",
                                   width="stretch")
    with right:
        new_edges = st.data_editor(edges.to_pandas(), num_rows="dynamic", hide_index=True,
                                   column_config=_edge_config(), key=f"edges_{power['id']}",
                                   width="stretch")
    s_df = pl.from_pandas(new_steps, schema_overrides=power_service.STEP_SCHEMA)
    e_df = pl.from_pandas(new_edges, schema_overrides=power_service.EDGE_SCHEMA)
    ok_rows = s_df.filter(pl.col("seq").is_not_null())
    issues = validate_flow(ok_rows, e_df.drop_nulls(["from_seq", "to_seq"]),
                           power["promised_limit_days"])
    if issues:
        show_issues(issues)
    else:
        st.success(t("power.ui.flow_valid"), icon=":material/check_circle:")
    if st.button(t("power.ui.save_flow"), type="primary", icon=":material/save:"):
        try:
            with unit_of_work() as session:
                saved_id, _ = lifecycle.save_flow(session=session, actor=ctx.username,
                                                  scope=ctx.scope, power_id=power["id"],
                                                  steps=s_df, edges=e_df)
        except ValueError as exc:
            st.error(error_text(exc))
        else:
            st.session_state[SELECTED_KEY] = saved_id
            st.toast(t("power.ui.flow_saved"))
            st.rerun()


def risk_form(ctx: UserContext, power: dict, steps: pl.DataFrame,
              risks: pl.DataFrame) -> None:
    """Add a risk point or edit one (chosen by id); the level follows the criteria."""
    options = [None, *risks["id"].to_list()]
    by_id = {r["id"]: r for r in risks.iter_rows(named=True)}
    rid = st.selectbox(t("power.ui.risk_pick"), options, key="risk_pick",
                       format_func=lambda i: t("power.ui.risk_new") if i is None
                       else f"#{i} {by_id[i]['description'][:30]}")
    init = by_id.get(rid, {})
    seqs = [None, *steps["seq"].to_list()]
    with st.form(f"risk_form_{rid}"):
        seq = st.selectbox(t("power.ui.seq"), seqs, index=seqs.index(init.get("step_seq"))
                           if init.get("step_seq") in seqs else 0)
        desc = st.text_area(t("power.ui.risk_description"), value=init.get("description", ""))
        crit = {c: st.checkbox(t(f"power.ui.crit.{c}"), value=bool(init.get(c)))
                for c in CRITERIA}
        measures = st.text_area(t("power.ui.measures"), value=init.get("measures") or "")
        post = st.text_input(t("power.ui.responsible_post"), value=init.get("responsible_post", ""))
        review = st.date_input(t("power.ui.last_review"), value=init.get("last_review") or china_today())
        if not st.form_submit_button(t("core.save"), type="primary"):
            return
    try:
        data = RiskPointInput(step_seq=seq, description=desc.strip(), **crit,
                              measures=measures.strip() or None, responsible_post=post.strip(),
                              last_review=review)
        with unit_of_work() as session:
            risk_service.save_risk_point(session=session, actor=ctx.username, scope=ctx.scope,
                                         power_id=power["id"], data=data, risk_id=rid)
    except ValueError as exc:
        st.error(error_text(exc))
    else:
        st.toast(t("power.ui.risk_saved"))
        st.rerun()


def risks_display(risks: pl.DataFrame) -> pl.DataFrame:
    return no_nulls(risks.select(
        pl.col("step_seq").alias(t("power.ui.seq")),
        pl.col("description").alias(t("power.ui.risk_description")),
        level_labels().alias(t("power.ui.level")),
        pl.col("measures").alias(t("power.ui.measures")),
        pl.col("responsible_post").alias(t("power.ui.responsible_post")),
        pl.col("last_review").alias(t("power.ui.last_review"))))


def versions_list(ctx: UserContext, power: dict) -> None:
    with unit_of_work() as session:
        versions = power_service.versions_frame(ctx.scope, power["code"], session=session)
    shown = versions.select(
        pl.col("version").alias(t("power.ui.version")),
        pl.col("status").replace_strict({s: status_label(s) for s in TRANSITIONS})
        .alias(t("power.ui.status")),
        pl.col("is_current").alias(t("power.ui.current")),
        pl.col("name").alias(t("power.ui.name")),
        pl.col("promised_limit_days").alias(t("power.ui.promised")),
        pl.col("fee_standard").alias(t("power.ui.fee")))
    data_table(shown, hide_index=True, width="stretch")
    ids = versions["id"].to_list()
    labels = dict(zip(ids, versions["version"].to_list(), strict=True))
    pick = st.selectbox(t("power.ui.view_version"), ids, index=ids.index(power["id"]),
                        format_func=lambda i: t("power.ui.version_n", n=labels[i]),
                        key="version_pick")
    if pick != power["id"]:
        st.session_state[SELECTED_KEY] = pick
        st.rerun()
