"""The S4 charts as figures (built here, drawn by the pages) so tests can read their data:
the elapsed-days box plot, the funds with the lowest payment progress and a case's steps."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from ui.platform.i18n import t

COLOURS = {"ok": "#1e8e3e", "over": "#d93025", "open": "#1a73e8", "suspension": "#9aa0a6"}
DAY_MS = 86_400_000


def elapsed_box(summary: pl.DataFrame, *, top: int = 15) -> go.Figure:
    """One box per power from its precomputed quartiles, at its own x (a box built from
    quartiles alone has no x of its own and piles up at "0"), and the promised limit as a red
    mark above it."""
    rows = summary.head(top)
    fig = go.Figure()
    for r in rows.iter_rows(named=True):
        fig.add_trace(go.Box(x=[r["power_name"]], name=r["power_name"], q1=[r["q1"]],
                             median=[r["median"]], q3=[r["q3"]], lowerfence=[r["min"]],
                             upperfence=[r["max"]], showlegend=False, marker_color="#1a73e8"))
        if r["limit_days"] is not None:
            fig.add_trace(go.Scatter(x=[r["power_name"]], y=[r["limit_days"]], mode="markers",
                                     marker={"symbol": "line-ew-open", "size": 24, "color": "#d93025"},
                                     showlegend=False, hovertext=t("esupervision.stats.limit")))
    fig.update_layout(height=420, margin={"t": 10, "l": 0, "r": 0, "b": 0},
                      yaxis_title=t("esupervision.col.elapsed"),
                      xaxis={"type": "category", "categoryorder": "array",
                             "categoryarray": rows["power_name"].to_list()})
    return fig


def fund_labels(funds: pl.DataFrame) -> list[str]:
    """Fund name with its department; the code as well where that still repeats (many
    departments hold a fund of the same name, and plotly merges equal labels into one bar)."""
    label = pl.concat_str([pl.col("name"), pl.lit("（"), pl.col("department").fill_null("—"),
                           pl.lit("）")])
    return funds.select(
        pl.when(label.is_duplicated()).then(label + pl.lit(" ") + pl.col("code")).otherwise(label)
    ).to_series().to_list()


def lowest_funds(funds: pl.DataFrame, *, top: int = 20) -> go.Figure:
    """The `top` funds with the lowest progress: a grey 100 % track under each (so a fund at
    0 % still shows its row) and the paid share in blue over it, its percentage written just
    past the bar's end. Overlaid, not stacked: plotly writes "outside" text of a stacked bar
    inside it, and a 0 % bar has no inside."""
    lowest = funds.sort("progress", "code", nulls_last=True).head(top)
    labels = fund_labels(lowest)
    progress = lowest["progress"].fill_null(0.0).to_list()
    fig = go.Figure([
        go.Bar(x=[100.0] * len(progress), y=labels, orientation="h", marker_color="#e8eaed",
               hoverinfo="skip", showlegend=False),
        go.Bar(x=progress, y=labels, orientation="h", marker_color="#1a73e8",
               name=t("esupervision.col.progress"), text=[f"{p:.1f}%" for p in progress],
               textposition="outside", cliponaxis=False, hovertext=lowest["code"].to_list()),
    ])
    fig.update_layout(barmode="overlay", showlegend=False,
                      height=60 + 26 * lowest.height, margin={"t": 10, "l": 0, "r": 50, "b": 0},
                      xaxis={"title": t("esupervision.col.progress"), "range": [0, 100],
                             "ticksuffix": "%"},
                      yaxis={"autorange": "reversed", "type": "category"})
    return fig


def timeline_figure(steps: pl.DataFrame, suspensions: pl.DataFrame, today: date) -> go.Figure | None:
    """Bars from start to finish per step and suspension; None for a case with neither (an
    empty date axis would open on the year 2000)."""
    if steps.height == 0 and suspensions.height == 0:
        return None
    fig = go.Figure()
    for r in steps.iter_rows(named=True):
        end = r["finished_on"] or today
        over = r["step_limit_days"] is not None and r["step_elapsed_workdays"] > r["step_limit_days"]
        kind = "over" if over else ("open" if r["finished_on"] is None else "ok")
        fig.add_trace(go.Bar(
            y=[f"{r['seq']} {r['step_name'] or ''}".strip()],
            x=[max((end - r["started_on"]).days, 0.3) * DAY_MS],
            base=[r["started_on"].isoformat()], orientation="h", marker_color=COLOURS[kind],
            showlegend=False,
            hovertext=t("esupervision.timeline.hover", used=r["step_elapsed_workdays"],
                        limit=r["step_limit_days"] if r["step_limit_days"] is not None else "—",
                        handler=r["handler"] or "—")))
    for r in suspensions.iter_rows(named=True):
        end = r["end_on"] or today
        fig.add_trace(go.Bar(
            y=[t("esupervision.timeline.suspension", kind=r["kind"])],
            x=[((end - r["start_on"]).days + 1) * DAY_MS], base=[r["start_on"].isoformat()],
            orientation="h", marker_color=COLOURS["suspension"], showlegend=False,
            hovertext=r["reason"] or t("esupervision.timeline.no_reason")))
    fig.add_vline(x=today.isoformat(), line_dash="dot")
    fig.update_layout(xaxis={"type": "date"}, yaxis={"autorange": "reversed"}, barmode="overlay",
                      height=80 + 36 * (steps.height + suspensions.height),
                      margin={"t": 10, "l": 0, "r": 0, "b": 0})
    return fig
