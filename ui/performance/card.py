"""The score card pieces: the tree as a sunburst of points lost, the node table, one leaf's
formula with its numbers, and the records behind it with links to their pages."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from services.performance import read
from services.platform.scope import Scope
from ui.performance.view import grade_label
from ui.platform.charts import plotly_chart
from ui.platform.db import unit_of_work
from ui.platform.i18n import current_language, t
from ui.platform.tables import data_table


def name_of(node: dict) -> str:
    return node["name_en"] if current_language() == "en" and node.get("name_en") else node["name_zh"]


def summary(card: dict) -> None:
    s = card["summary"]
    cols = st.columns(5)
    cols[0].metric(t("performance.col.total"), f"{s['total']:.2f}")
    cols[1].metric(t("performance.col.base"), f"{s['base_points']:.2f}")
    cols[2].metric(t("performance.col.bonus"), f"{s['bonus_points']:.2f}")
    cols[3].metric(t("performance.col.grade"), grade_label(s["grade"]))
    cols[4].metric(t("performance.col.peer_rank"), f"{s['peer_rank']}/{s['peer_count']}")
    if s["vetoed"]:
        st.error(t("performance.card.vetoed"))


def tree_table(card: dict) -> pl.DataFrame:
    nodes = card["nodes"]
    return card["tree"].select(
        pl.col("code").alias(t("performance.col.code")),
        pl.col("code").replace_strict({c: name_of(n) for c, n in nodes.items()})
        .alias(t("performance.col.indicator")),
        pl.col("weight").alias(t("performance.col.weight")),
        pl.col("max_points").alias(t("performance.col.max")),
        pl.col("points").alias(t("performance.col.points")),
        pl.col("lost").alias(t("performance.col.lost")))


def scored_points(card: dict) -> float:
    """The points of the scored leaves (the sum check beside the sunburst: with the bonus, the total)."""
    return card["leaves"].filter(pl.col("kind") == "score")["points"].sum()


def sunburst(card: dict) -> None:
    tree = card["tree"].filter(pl.col("max_points").fill_null(0) > 0)
    nodes = card["nodes"]
    fig = go.Figure(go.Sunburst(
        ids=tree["code"].to_list(), parents=[p or "" for p in tree["parent_code"].to_list()],
        labels=[name_of(nodes[c]) for c in tree["code"]], values=tree["max_points"].to_list(),
        branchvalues="total", marker={"colors": tree["lost"].to_list(), "colorscale": "Reds"},
        customdata=list(zip(tree["points"].to_list(), tree["lost"].to_list(), strict=True)),
        hovertemplate=t("performance.card.hover") + "<extra></extra>"))
    fig.update_layout(height=460, margin={"t": 10, "l": 0, "r": 0, "b": 0})
    plotly_chart(fig, width="stretch", key="perf_sunburst")


def record_links(records: pl.DataFrame, n: int = 5) -> None:
    """The first records as links to the page that shows each (the table's links open a new
    tab; these stay in the session)."""
    from urllib.parse import parse_qsl

    from systems import all_pages

    pages = {p.url_path: p.path for p in all_pages()}
    label_col = records.columns[0]
    for row in records.head(n).iter_rows(named=True):
        url_path, _, query = row["link"].lstrip("/").partition("?")
        if url_path in pages:
            st.page_link(pages[url_path], label=t("performance.card.record_link", record=row[label_col]),
                         query_params=dict(parse_qsl(query)) or None, icon=":material/open_in_new:")


def leaf_panel(card: dict, scope: Scope, key: str) -> None:
    leaves = card["leaves"].sort("code")
    nodes = card["nodes"]
    lost = {r["code"]: r["lost"] for r in card["tree"].iter_rows(named=True)}
    codes = leaves["code"].to_list()
    wanted = st.query_params.get("leaf")
    st.session_state.setdefault(key, wanted if wanted in codes else None)
    # a None value shows the placeholder (Streamlit's English one unless given)
    code = st.selectbox(t("performance.card.pick_leaf"), [None, *codes], key=key,
                        placeholder=t("performance.card.none"),
                        format_func=lambda c: t("performance.card.none") if c is None else
                        f"{c} {name_of(nodes[c])}（{t('performance.col.lost')} {lost.get(c) or 0:g}）")
    if code is None:
        return
    leaf = leaves.filter(pl.col("code") == code).row(0, named=True)
    node = nodes[code]
    formula_key, params = read.leaf_detail(leaf, node)
    st.markdown(f"**{t('performance.card.formula')}** "
                + t(f"performance.method.{leaf['method']}") + " · "
                + t(f"performance.leaf_status.{leaf['status']}"))
    st.code(t(f"performance.{formula_key}", **params), language=None)
    with unit_of_work() as s:
        records = read.leaf_records(session=s, scope=scope, leaf=leaf)
    st.markdown(f"**{t('performance.card.records')}**（{records.height}）")
    if records.height == 0:
        st.caption(t("performance.card.no_records"))
        return
    config = {}
    if "link" in records.columns:
        records = records.with_columns(("/" + pl.col("link")).alias("link"))
        config["link"] = st.column_config.LinkColumn(t("performance.col.open"),
                                                     display_text=t("performance.ranking.open"))
    data_table(records, hide_index=True, width="stretch", column_config=config)
    if "link" in records.columns:
        record_links(records)
    st.caption(t("performance.card.query", query=json.dumps(json.loads(leaf["records_query"]),
                                                           ensure_ascii=False)))
