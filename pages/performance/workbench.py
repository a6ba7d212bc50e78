"""考评工作台 / Evaluator workbench: the period's state and its next step, computing the scores
(with progress), the manual leaves still to score in scope, entry by form, completeness per
department and the second evaluator's review (four-eyes)."""

import streamlit as st

from models.performance import GRADES, ManualScoreCreate
from services.performance import manual, periods
from services.performance.catalog import PerformanceError
from services.performance.run import compute_period
from services.platform.export import to_xlsx
from services.platform.users import display_names
from ui.performance.upload import manual_upload
from ui.performance.view import bump, completeness_display, entry_choices, period_picker, todo_display
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table

ctx = require_user("admin", "evaluator")
st.title(t("performance.workbench.title"))
period = period_picker("pw_period")
if period is None:
    st.stop()
code, status = period["code"], period["status"]
flash = st.session_state.pop("pw_flash", None)
if flash:
    st.success(flash)


def act(fn, done: str, **kwargs) -> None:  # noqa: ANN001
    try:
        with unit_of_work() as s:
            fn(session=s, actor=ctx.username, **kwargs)
    except PerformanceError as exc:
        st.error(error_text(exc))
        return
    bump()
    st.session_state["pw_flash"] = done
    st.rerun()


st.caption(t("performance.workbench.state", status=t(f"performance.status.{status}"),
             four_eyes=t("performance.yes") if period["four_eyes"] else t("performance.no")))
b1, b2, b3 = st.columns(3)
if status != "closed":
    if b1.button(t("performance.workbench.compute"), icon=":material/calculate:", key="pw_compute"):
        bar = st.progress(0.0, text=t("performance.workbench.computing"))
        try:
            with unit_of_work() as s:
                result = compute_period(session=s, actor=ctx.username, code=code, scope=ctx.scope,
                                        progress=lambda stage, f: bar.progress(min(f, 1.0), text=stage))
            bump()
            st.session_state["pw_flash"] = t("performance.workbench.computed", **result)
            st.rerun()
        except PerformanceError as exc:
            st.error(error_text(exc))
    if status in ("open", "scoring") and b2.button(t("performance.workbench.advance"), key="pw_advance"):
        act(periods.advance, t("performance.workbench.advanced"), code=code)
    if status == "review" and b3.button(t("performance.workbench.close"), type="primary", key="pw_close"):
        act(periods.close_period, t("performance.workbench.closed"), code=code)

with unit_of_work() as s:
    grid = manual.workbench(session=s, scope=ctx.scope, period_code=code)
done = manual.completeness(grid, four_eyes=period["four_eyes"])
todo = manual.to_do(grid, four_eyes=period["four_eyes"])
c1, c2, c3 = st.columns(3)
c1.metric(t("performance.workbench.leaves"), grid.height)
c2.metric(t("performance.workbench.todo"), todo.height)
c3.metric(t("performance.workbench.complete_depts"), int((done["share"] >= 1).sum()))

tab_entry, tab_review, tab_done = st.tabs([t("performance.workbench.tab_entry"),
                                          t("performance.workbench.tab_review"),
                                          t("performance.workbench.tab_complete")])
with tab_entry:
    dept_names, leaf_rows = entry_choices(grid)
    if status == "closed" or not dept_names:
        st.info(t("performance.workbench.no_entry"))
    else:
        with st.form("pw_entry"):
            dep = st.selectbox(t("performance.col.department"), list(dept_names), format_func=dept_names.get)
            leaf = st.selectbox(t("performance.col.indicator"), list(leaf_rows),
                                format_func=lambda c: f"{c} {leaf_rows[c][1]}（" + t(f"performance.method.{leaf_rows[c][2]}") + "）")
            value = st.number_input(t("performance.workbench.value"), value=None, format="%.4f")
            grade = st.selectbox(t("performance.workbench.grade"), [None, *GRADES],
                                 format_func=lambda g: g or "—")
            evidence = st.text_area(t("performance.workbench.evidence"))
            comment = st.text_input(t("performance.workbench.comment"))
            if st.form_submit_button(t("performance.workbench.save")):
                act(manual.enter_score, t("performance.workbench.saved"), scope=ctx.scope,
                    data=ManualScoreCreate(period_code=code, department_code=dep, indicator_code=leaf,
                                           value=value, grade=grade, evidence=evidence, comment=comment))
    data_table(todo_display(todo.head(500)), hide_index=True, width="stretch")
    with st.expander(t("performance.workbench.upload")):
        manual_upload(ctx, on_done=lambda msg: (bump(), st.session_state.update(pw_flash=msg), st.rerun()))
with tab_review:
    waiting = manual.awaiting_review(grid, ctx.username)
    st.caption(t("performance.workbench.review_caption", n=waiting.height))
    if waiting.height and status != "closed":
        ids = waiting["score_id"].to_list()[:500]
        with unit_of_work() as s:  # the evaluator by name, not by login
            people = display_names(waiting["evaluator"].head(500).to_list(), session=s)
        labels = {r["score_id"]: f"{r['department']} · {r['code']} {r['name']} = "
                  f"{r['grade'] or r['value']}（{people.get(r['evaluator'], r['evaluator'])}）" for r in waiting.head(500).iter_rows(named=True)}
        with st.form("pw_review"):
            sid = st.selectbox(t("performance.workbench.pick_score"), ids, format_func=labels.get)
            note = st.text_input(t("performance.workbench.review_note"))
            ok, back = st.columns(2)
            if ok.form_submit_button(t("performance.workbench.accept")):
                act(manual.review_score, t("performance.workbench.reviewed"), scope=ctx.scope,
                    score_id=sid, accept=True, note=note)
            if back.form_submit_button(t("performance.workbench.return")):
                act(manual.review_score, t("performance.workbench.reviewed"), scope=ctx.scope,
                    score_id=sid, accept=False, note=note)
with tab_done:
    data_table(completeness_display(done), hide_index=True, width="stretch")
    st.download_button(t("performance.export"), data=lambda: to_xlsx({
        t("performance.workbench.tab_complete"): completeness_display(done),
        t("performance.workbench.todo"): todo_display(todo)}),
                       file_name=f"workbench_{code}.xlsx", icon=":material/download:")
