"""Plotly figures shown safely: Plotly renders a subset of HTML (<a href>, <b>, <br>, <img>…)
in every label, hover and tick text, so each string that may come from data (names, codes,
titles) is HTML-escaped before the figure reaches the browser. A line break (<br>) the chart
code puts into labels is kept; it cannot link or load anything."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

_TRACE_TEXT = ("x", "y", "z", "labels", "parents", "ids", "text", "hovertext", "customdata",
               "name", "legendgrouptitle")
_BREAK = "&lt;br&gt;"


def _escape(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, str):
        return html.escape(value, quote=False).replace(_BREAK, "<br>")
    if isinstance(value, np.ndarray):
        return np.frompyfunc(_escape, 1, 1)(value) if value.dtype == object else value
    if isinstance(value, (list, tuple)):
        return [_escape(v) for v in value]
    return value


def safe_figure(fig: go.Figure) -> go.Figure:
    """The figure with every data string escaped (traces, category orders, titles, tick
    labels and annotations); numbers and the chart's own templates are left alone."""
    for trace in fig.data:
        for prop in _TRACE_TEXT:
            if prop in trace and trace[prop] is not None:
                trace[prop] = _escape(trace[prop])
    layout = fig.layout
    for axis in [a for a in dir(layout) if a.startswith(("xaxis", "yaxis"))]:
        ax = getattr(layout, axis, None)
        if ax is not None and getattr(ax, "categoryarray", None) is not None:
            ax.categoryarray = _escape(ax.categoryarray)
        if ax is not None and getattr(ax, "ticktext", None) is not None:
            ax.ticktext = _escape(ax.ticktext)
    for note in layout.annotations or ():
        note.text = _escape(note.text)
    if layout.title and layout.title.text:
        layout.title.text = _escape(layout.title.text)
    return fig


# Plotly names months and weekdays in English ("Jan 2026"): date axes use numbers instead,
# by zoom level (dtick in ms: under a day, under a month, under a year, beyond)
_DATE_TICKS = [dict(dtickrange=[None, 86_400_000], value="%m-%d %H:%M"),
               dict(dtickrange=[86_400_000, "M1"], value="%m-%d"),
               dict(dtickrange=["M1", "M12"], value="%Y-%m"),
               dict(dtickrange=["M12", None], value="%Y")]


_DATE_TEXT = re.compile(r"\d{4}-\d{2}(-\d{2})?( |T|$)")


def _is_dates(values: Any) -> bool:  # noqa: ANN401
    if values is None or len(values) == 0:
        return False
    first = values[0]
    # Plotly reads "2026-03" and "2026-03-15" as dates too
    return isinstance(first, (date, np.datetime64)) or bool(
        isinstance(first, str) and _DATE_TEXT.match(first)) or (
        isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64))


def numeric_dates(fig: go.Figure) -> go.Figure:
    """Date axes labelled with numbers (2026-03, 03-15), never English month names."""
    if any(_is_dates(getattr(trace, "x", None)) for trace in fig.data):
        fig.update_xaxes(tickformatstops=_DATE_TICKS)
    return fig


def plotly_chart(fig: go.Figure, **kwargs: Any) -> Any:  # noqa: ANN401
    """st.plotly_chart for a figure whose strings may come from data or a file."""
    return st.plotly_chart(numeric_dates(safe_figure(fig)), **kwargs)
