"""考评指标体系 / Indicator tree: the versions, the tree of a version with its methods, the
draft's problems in plain words, node editing and activation (admins), grade boundaries of a
period and reopening a closed period (admins, with a reason)."""

import json
from functools import partial

import streamlit as st

from models.performance import KINDS, METHODS, MISSING_RULES, SOURCES, IndicatorCreate
from services.performance import periods as period_service
from services.performance import tree as tree_service
from services.performance.catalog import PerformanceError, score_metrics
from services.platform.export import to_xlsx
from ui.performance.view import bump, code_label, period_list, tree_display, tree_frame
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import no_nulls
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table

TREE_COLUMNS = {"code": "performance.col.code", "parent_code": "performance.tree.parent",
                "name_zh": "performance.tree.name_zh", "weight": "performance.col.weight",
                "kind": "performance.tree.kind", "method": "performance.tree.method",
                "source": "performance.tree.source", "metric_key": "performance.tree.metric",
                "missing_rule": "performance.tree.missing", "params": "performance.tree.params"}

ctx = require_user("admin", "evaluator")
is_admin = ctx.has_any("admin")
st.title(t("performance.tree.title"))
flash = st.session_state.pop("pi_flash", None)
if flash:
    st.success(flash)


def act(fn, done: str, **kwargs) -> bool:  # noqa: ANN001
    try:
        with unit_of_work() as s:
            fn(session=s, actor=ctx.username, **kwargs)
    except PerformanceError as exc:
        st.error(error_text(exc))
        for p in exc.params.get("problems", []):
            st.markdown(f"- {t('performance.' + p.key, **p.params)}")
        return False
    except ValueError as exc:
        st.error(str(exc))
        return False
    bump()
    st.session_state["pi_flash"] = done
    st.rerun()
    return True


with unit_of_work() as s:
    versions = [(v.id, v.no, v.status) for v in tree_service.versions(session=s)]
if not versions:
    st.info(t("performance.tree.none"))
    st.stop()
vid = st.selectbox(t("performance.tree.version"), [v[0] for v in versions],
                   format_func=lambda i: next("v" + str(no) + "（" + t(f"performance.vstatus.{st_}") + "）"
                                              for v_, no, st_ in versions if v_ == i))
with unit_of_work() as s:
    nodes = tree_service.version_nodes(session=s, version_id=vid)
status = next(st_ for v_, _, st_ in versions if v_ == vid)
frame = tree_frame(nodes)
data_table(no_nulls(tree_display(frame, {c: t(k) for c, k in TREE_COLUMNS.items()})),
             hide_index=True, width="stretch")
st.download_button(t("performance.export"), data=lambda: to_xlsx({t("performance.tree.title"): frame}),
                   file_name="indicator_tree.xlsx", icon=":material/download:")
problems = tree_service.problems_of(nodes)
if problems:
    st.warning(t("performance.tree.problems", n=len(problems)))
    for p in problems:
        st.markdown(f"- {t('performance.' + p.key, **p.params)}")
else:
    st.success(t("performance.tree.sound"))

if is_admin:
    st.subheader(t("performance.tree.edit"))
    c1, c2 = st.columns(2)
    if c1.button(t("performance.tree.new_draft"), key="pi_draft"):
        act(tree_service.new_draft, t("performance.tree.drafted"))
    if status == "draft" and c2.button(t("performance.tree.activate"), type="primary", key="pi_activate"):
        act(tree_service.activate_draft, t("performance.tree.activated"))
    if status == "draft":
        with st.form("pi_node"):
            a, b, c = st.columns(3)
            code = a.text_input(t("performance.col.code"))
            parent = b.text_input(t("performance.tree.parent"))
            weight = c.number_input(t("performance.col.weight"), min_value=0.0, max_value=100.0, step=0.5)
            name_zh = a.text_input(t("performance.tree.name_zh"))
            name_en = b.text_input(t("performance.tree.name_en"))
            kind = c.selectbox(t("performance.tree.kind"), KINDS, format_func=partial(code_label, "kind"))
            method = a.selectbox(t("performance.tree.method"), [None, *METHODS],
                                 format_func=partial(code_label, "method"))
            source = b.selectbox(t("performance.tree.source"), SOURCES,
                                 format_func=partial(code_label, "source"))
            metric = c.selectbox(t("performance.tree.metric"), [None, *sorted(score_metrics())],
                                 format_func=lambda m: m or "—")
            params = a.text_input(t("performance.tree.params"), value="{}")
            missing = b.selectbox(t("performance.tree.missing"), MISSING_RULES,
                                  format_func=partial(code_label, "missing_rule"))
            higher = c.checkbox(t("performance.tree.higher"), value=True)
            if st.form_submit_button(t("performance.workbench.save")):
                try:
                    data = IndicatorCreate(version_no=1, code=code.strip(), parent_code=parent.strip() or None,
                                           name_zh=name_zh, name_en=name_en, weight=weight, kind=kind,
                                           method=method, source=source, metric_key=metric,
                                           params=params, missing_rule=missing, higher_is_better=higher)
                    json.loads(params)
                except ValueError as exc:
                    st.error(t("performance.tree.err_form", detail=str(exc)[:200]))
                else:
                    act(tree_service.save_node, t("performance.tree.saved"), data=data)
    st.page_link("pages/platform/data_upload.py", label=t("performance.tree.upload"),
                 icon=":material/upload_file:")

    st.subheader(t("performance.grades.title"))
    items = period_list()
    if items:
        pcode = st.selectbox(t("performance.period_label"), [p["code"] for p in items], key="pi_period")
        chosen = next(p for p in items if p["code"] == pcode)
        bounds = json.loads(chosen["grade_bounds"])
        with st.form("pi_bounds"):
            a, b, c = st.columns(3)
            e = a.number_input(t("performance.grade.excellent"), value=float(bounds["excellent"]))
            g = b.number_input(t("performance.grade.good"), value=float(bounds["good"]))
            f = c.number_input(t("performance.grade.fair"), value=float(bounds["fair"]))
            if st.form_submit_button(t("performance.workbench.save")):
                act(period_service.set_grade_bounds, t("performance.grades.saved"), code=pcode,
                    bounds={"excellent": e, "good": g, "fair": f})
        if chosen["status"] == "closed":
            with st.form("pi_reopen"):
                reason = st.text_input(t("performance.period.reason"))
                if st.form_submit_button(t("performance.period.reopen")):
                    act(period_service.reopen_period, t("performance.period.reopened"), code=pcode,
                        roles=ctx.roles, reason=reason)
