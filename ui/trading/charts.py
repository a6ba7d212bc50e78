"""Plotly figures of S2: a process's timeline, a party's co-bidder network, Cardinal's fences."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

from ui.platform.i18n import t

SHANGHAI = "Asia/Shanghai"


def _local(col: str) -> pl.Expr:
    return pl.col(col).dt.convert_time_zone(SHANGHAI)


def timeline_figure(view) -> go.Figure:  # noqa: ANN001
    """Tender period as a bar; bids, award, contract and amendments as points on it."""
    p, f = view.process, view.frames
    fig = go.Figure()
    if p["tender_start"] and p["tender_end"]:
        fig.add_trace(go.Scatter(x=[p["tender_start"], p["tender_end"]], y=[t("trading.process.ev_start")] * 2,
                                 mode="lines+markers", line={"width": 8, "color": "#1f77b4"},
                                 name=t("trading.process.ev_start")))
        fig.add_vline(x=p["tender_end"], line_dash="dash", line_color="#d62728")
    events = [("ev_bid", f["tr_bids"], "received_at", "bid_no", "#2ca02c"),
              ("ev_award", f["tr_awards"], "award_date", "award_no", "#ff7f0e"),
              ("ev_contract", f["tr_contracts"], "date_signed", "contract_no", "#9467bd"),
              ("ev_amendment", f["tr_amendments"], "amended_at", "amendment_no", "#8c564b")]
    for key, frame, col, label, color in events:
        rows = frame.filter(pl.col(col).is_not_null())
        if rows.height:
            fig.add_trace(go.Scatter(x=rows[col].to_list(), y=[t(f"trading.process.{key}")] * rows.height,
                                     mode="markers", marker={"size": 12, "color": color},
                                     text=rows[label].to_list(), name=t(f"trading.process.{key}")))
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False)
    return fig


def network_figure(center: str, edges: pl.DataFrame) -> go.Figure:
    """The party in the middle, its co-bidders around it; line width = processes together."""
    n = max(edges.height, 1)
    xs, ys, names = [0.0], [0.0], [center]
    fig = go.Figure()
    for i, row in enumerate(edges.iter_rows(named=True)):
        a = 2 * math.pi * i / n
        x, y = math.cos(a), math.sin(a)
        fig.add_trace(go.Scatter(x=[0, x], y=[0, y], mode="lines", hoverinfo="skip",
                                 line={"width": 1 + 2 * row["processes"], "color": "#aaaaaa"}))
        xs.append(x)
        ys.append(y)
        names.append(f"{row['name'] or row['tenderer_uscc']}（{row['processes']}）")
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers+text", text=names, textposition="top center",
                             marker={"size": [24] + [14] * (len(xs) - 1),
                                     "color": ["#d62728"] + ["#1f77b4"] * (len(xs) - 1)}))
    fig.update_layout(height=460, showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def fences_figure(dist: pl.DataFrame) -> go.Figure:
    """One box per indicator over its values, with Cardinal's own fences (type-8 quartiles,
    Q1 − 1.5·IQR and Q3 + 1.5·IQR) drawn as red marks beside it."""
    fig = go.Figure()
    for code in dist["indicator"].unique(maintain_order=True).to_list():
        d = dist.filter(pl.col("indicator") == code)
        m = d.row(0, named=True)
        fig.add_trace(go.Box(y=d["value"].to_list(), name=code, boxpoints="outliers",
                             marker={"color": "#1f77b4"}))
        fig.add_trace(go.Scatter(x=[code, code], y=[m["lower_fence"], m["upper_fence"]],
                                 mode="markers+text", marker={"symbol": "line-ew-open", "size": 40,
                                                              "color": "#d62728"},
                                 text=[f"{m['lower_fence']:.4f}", f"{m['upper_fence']:.4f}"],
                                 textposition="middle right", showlegend=False))
    fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False)
    return fig
