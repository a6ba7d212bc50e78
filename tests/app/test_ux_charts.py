"""Issue 16: charts that drew nothing. Each chart's figure data is checked on hand-built
frames, and the pages draw them on the demo."""

from __future__ import annotations

import json
from datetime import date, timedelta

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from i18n import translate
from models.base import utcnow
from models.esupervision import ApprovalCase
from models.power import Power
from services.power.catalog import in_force_clause
from tests.app.helpers import login, open_page, when_ready
from ui.esupervision.charts import elapsed_box, fund_labels, lowest_funds, timeline_figure
from ui.platform.formatting import md_escape


def test_box_plot_puts_each_power_at_its_own_x_with_its_limit():
    summary = pl.DataFrame({"power_name": ["食品经营许可", "药品零售许可"], "cases": [40, 12],
                            "limit_days": [10, None], "min": [1, 2], "q1": [3.0, 4.0],
                            "median": [5.0, 6.0], "q3": [7.0, 8.0], "max": [12, 9]})
    fig = elapsed_box(summary)
    boxes = [tr for tr in fig.data if tr.type == "box"]
    assert [list(b.x) for b in boxes] == [["食品经营许可"], ["药品零售许可"]]
    assert [(b.q1[0], b.median[0], b.q3[0], b.lowerfence[0], b.upperfence[0]) for b in boxes] == [
        (3.0, 5.0, 7.0, 1, 12), (4.0, 6.0, 8.0, 2, 9)]
    limits = [(list(s.x), list(s.y)) for s in fig.data if s.type == "scatter"]
    assert limits == [(["食品经营许可"], [10])]  # no limit, no mark
    assert list(fig.layout.xaxis.categoryarray) == ["食品经营许可", "药品零售许可"]


def _funds() -> pl.DataFrame:
    return pl.DataFrame({
        "code": ["F-3", "F-1", "F-2", "F-4"], "name": ["就业补助资金", "就业补助资金", "就业补助资金", "农机补贴"],
        "department": ["和平区人社局", "沈河区人社局", "沈河区人社局", "和平区农业农村局"],
        "progress": [0.0, 0.0, 37.5, 100.0]})


def test_lowest_funds_draw_a_bar_at_zero_percent_with_distinct_labels():
    fig = lowest_funds(_funds())
    track, paid = fig.data  # the grey track first, the paid share drawn over it
    assert list(paid.y) == ["就业补助资金（沈河区人社局） F-1", "就业补助资金（和平区人社局）",
                            "就业补助资金（沈河区人社局） F-2", "农机补贴（和平区农业农村局）"]
    assert len(set(paid.y)) == 4 and list(track.y) == list(paid.y)
    assert list(paid.x) == [0.0, 0.0, 37.5, 100.0]
    # overlaid, so "outside" text is written past the bar's end, also at 0 % (stacked, plotly
    # writes it inside the bar, and a 0 % bar has no inside: no figure was shown)
    assert list(paid.text) == ["0.0%", "0.0%", "37.5%", "100.0%"] and paid.textposition == "outside"
    assert list(track.x) == [100.0] * 4  # the grey track shows the row at 0 %
    assert fig.layout.barmode == "overlay" and list(fig.layout.xaxis.range) == [0, 100]


def test_fund_labels_only_add_the_code_where_name_and_department_repeat():
    assert fund_labels(_funds().head(1)) == ["就业补助资金（和平区人社局）"]


def test_a_case_without_steps_gets_no_empty_chart():
    steps = pl.DataFrame(schema={"seq": pl.Int64, "step_name": pl.String, "started_on": pl.Date,
                                 "finished_on": pl.Date, "step_limit_days": pl.Int64,
                                 "step_elapsed_workdays": pl.Int64, "handler": pl.String})
    susp = pl.DataFrame(schema={"kind": pl.String, "start_on": pl.Date, "end_on": pl.Date,
                                "reason": pl.String})
    assert timeline_figure(steps, susp, date(2026, 12, 1)) is None
    one = pl.DataFrame({"seq": [1], "step_name": ["受理"], "started_on": [date(2026, 11, 2)],
                        "finished_on": [date(2026, 11, 4)], "step_limit_days": [1],
                        "step_elapsed_workdays": [2], "handler": [None]})
    fig = timeline_figure(one, susp, date(2026, 12, 1))
    bar = fig.data[0]
    assert (list(bar.y), list(bar.x), list(bar.base)) == (["1 受理"], [2 * 86_400_000], ["2026-11-02"])
    assert bar.marker.color == "#d93025"  # 2 working days against a limit of 1
    assert "None" not in bar.hovertext


def _chart_specs(at) -> list[dict]:  # noqa: ANN001
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_stats_page_box_plot_has_one_x_per_power(seeded):
    at = when_ready(open_page(login("prov_leader"), "pages/esupervision/stats.py"))
    assert not at.exception, at.exception
    box = next(s for s in _chart_specs(at) if any(d["type"] == "box" for d in s["data"]))
    xs = [d["x"][0] for d in box["data"] if d["type"] == "box"]
    assert len(xs) == len(set(xs)) >= 2
    assert "0" not in xs


def test_funds_page_lowest_chart_has_bars_and_distinct_labels(seeded):
    at = open_page(login("prov_leader"), "pages/esupervision/funds.py")
    assert not at.exception, at.exception
    spec = _chart_specs(at)[0]
    track, paid = spec["data"][:2]
    assert len(paid["y"]) == len(set(paid["y"])) == 20
    assert track["x"] == [100.0] * 20 and len(paid["text"]) == 20


def test_cases_page_case_without_steps_shows_a_note_not_an_empty_chart(seeded):
    with Session(seeded) as s:
        power = s.execute(select(Power).where(in_force_clause()).order_by(Power.id)).scalars().first()
        s.add(ApprovalCase(case_no="UX-NOSTEP-01", power_id=power.id, department_id=power.department_id,
                           region_code=power.region_code, channel="online",
                           received_at=utcnow() - timedelta(days=1),
                           promised_limit_days=power.promised_limit_days, status="in_progress"))
        s.commit()
    case_no = "UX-NOSTEP-01"
    at = open_page(login("prov_leader"), "pages/esupervision/cases.py")
    at.text_input(key="sc_case_no").input(case_no)
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 0
    # the case number goes into the Markdown message escaped (issue 17); it reads UX-NOSTEP-01
    assert translate("esupervision.timeline.no_steps", "zh_CN", case_no=md_escape(case_no)) in [
        i.value for i in at.info]


def test_date_axes_are_labelled_with_numbers_not_english_month_names(seeded):
    """Plotly writes "Jan 2026" on a date axis; the charts set numeric formats per zoom."""
    at = when_ready(open_page(login("prov_leader"), "pages/feedback/dashboard.py"))
    assert not at.exception, at.exception
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    stops = {s["value"] for s in trend["layout"]["xaxis"]["tickformatstops"]}
    assert stops == {"%m-%d %H:%M", "%m-%d", "%Y-%m", "%Y"}
    treemap = json.loads(at.get("plotly_chart")[2].proto.spec)
    assert "on_time_rate" not in json.dumps(treemap["layout"], ensure_ascii=False)
    assert treemap["layout"]["coloraxis"]["colorbar"]["title"]["text"] == translate(
        "feedback.kpi.on_time", "zh_CN")
