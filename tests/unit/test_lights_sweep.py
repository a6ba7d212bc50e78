"""Issue 12, the sweep contract (metrics.lights.registry.Sweep): on any later day, the daily
sweep leaves the alert table exactly as a full sync on that day would.

Checked as a fixed point, as the partition contract is: after the sweep on day D a full sync
on day D must find nothing to do. A rule declared sweep="never" whose result did move with the
date, or a rule declared "open" whose light moved for a subject the open rows leave out (a
concluded case), makes the full sync change something. The days are walked forward from the
seed's "today" across the demo's deadlines, suspensions and idle-fund months."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from core.clock import china_today, one_today
from metrics.lights.registry import RULES
from services.lights.queue import sweep, time_rules
from services.lights.sync import sync_alerts
from tests.unit.partition_edits import alert_table


def test_the_sweep_contract_is_declared():
    """The case rules whose days run while the case is open are swept on the open cases; the
    case rules that read no date-dependent column are not swept; every other dated rule is
    swept whole."""
    assert {i for i, r in RULES.items() if r.sweep == "open"} == {"AP-R1", "AP-Y1", "AP-Y2", "AP-Y3"}
    assert {i for i, r in RULES.items() if r.sweep == "never"} == {
        "AP-R2", "AP-R3", "AP-Y4", "AP-Y5", "AP-Y6", "AP-Y7"}
    assert all(r.open_subjects is not None for r in RULES.values() if r.sweep == "open")
    assert set(time_rules()) == {
        "AP-R1", "AP-Y1", "AP-Y2", "AP-Y3", "FB-R1", "FB-R2", "FB-R3", "FB-Y1", "FB-Y2",
        "FB-Y3", "FB-Y4", "FB-Y5", "FD-Y2", "LC-R1", "PW-R2", "PW-Y3", "TR-R9"}


def test_the_sweep_on_later_days_leaves_the_alerts_as_a_full_sync(seeded):
    today = china_today()
    sync_alerts(seeded, actor="test")
    moved = {}
    for days in (1, 3, 8, 21, 55, 200):
        with one_today(today + timedelta(days=days)):
            swept = sweep(seeded, actor="test")
            after_sweep = alert_table(seeded)
            full = sync_alerts(seeded, actor="test")
        assert (full.new, full.updated, full.reopened, full.cleared, full.refreshed) == \
            (0, 0, 0, 0, 0), (days, swept, full)
        assert alert_table(seeded) == after_sweep, days
        moved[days] = (swept.new, swept.cleared)
    # the walk is a real one: lights came and went with the date alone
    assert sum(n for n, _ in moved.values()) > 0 and sum(c for _, c in moved.values()) > 0, moved


def test_a_concluded_case_with_a_step_still_running_is_swept_too(seeded):
    """A step uploaded without its end runs on by the date even when its case is concluded
    (its days count until it ends): the sweep's open rows hold that case, so its AP-Y2 light
    (the step past its limit) moves with the date as a full sync's does."""
    with seeded.begin() as conn:
        case_id, case_no, step_id = conn.execute(text(
            "SELECT c.id, c.case_no, st.id FROM approval_case c "
            "JOIN case_step st ON st.case_id = c.id "
            "JOIN power_step ps ON ps.power_id = c.power_id AND ps.seq = st.seq "
            "WHERE c.status = 'finished' AND ps.limit_days IS NOT NULL "
            "AND c.promised_limit_days >= 20 "
            "ORDER BY c.id, st.id LIMIT 1")).one()
        conn.execute(text("UPDATE case_step SET finished_at = NULL WHERE id = :i"), {"i": step_id})
    sync_alerts(seeded, actor="test")
    today = china_today()
    with one_today(today + timedelta(days=400)):
        swept = sweep(seeded, actor="test")
        full = sync_alerts(seeded, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared, full.refreshed) == (0, 0, 0, 0, 0), swept
    with seeded.connect() as conn:
        assert conn.execute(text("SELECT status FROM alert WHERE rule_id = 'AP-Y2' AND subject_id = :c"),
                            {"c": case_no}).scalar_one() == "open", case_id
