"""A sync's rules read whole are evaluated as their inputs come in (services.lights.as_read):
a rule runs while a slower input is still being read, and an input is freed once its last
rule has run (a province's full sync held every input while the steps were still read)."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import polars as pl
import pytest
from sqlmodel import Session

from metrics.lights.registry import Rule
from services.lights import inputs
from services.lights.as_read import read_and_evaluate


def _names_it_read(frames, params):  # noqa: ANN001, ANN202, ARG001
    return pl.DataFrame({"subject_type": ["test"], "subject_id": ["+".join(sorted(frames))],
                         "department_id": [None], "region_code": ["210000"], "facts": ["{}"]})


def _rule(rule_id: str, *names: str, fn=_names_it_read) -> Rule:  # noqa: ANN001
    return Rule(id=rule_id, system="LC", level="yellow", subject_type="test", title_key="t",
                definition_key="d", basis_key="b", inputs=names, fn=fn)


@pytest.mark.parametrize("bulk", [True, False])
def test_a_rule_runs_as_its_inputs_come_in_and_frees_them(engine, monkeypatch, bulk):
    small_ran, seen, small = threading.Event(), {}, []

    def read_small(bind):  # noqa: ANN001, ANN202, ARG001
        frame = pl.DataFrame({"n": [1, 2]})
        small.append(weakref.ref(frame))
        return frame

    def read_slow(bind):  # noqa: ANN001, ANN202, ARG001
        if bulk:  # read beside the others: it waits for the small rule to have run
            seen["small rule ran while this was read"] = small_ran.wait(30)
            deadline = time.monotonic() + 10  # the sync drops it just after the rule returns
            while small[0]() is not None and time.monotonic() < deadline:
                gc.collect()
                time.sleep(0.01)
            seen["its input freed meanwhile"] = small[0]() is None
        return pl.DataFrame({"n": [3]})

    def ran_small(frames, params):  # noqa: ANN001, ANN202
        small_ran.set()
        return _names_it_read(frames, params)

    for name, fn in (("t_small", read_small), ("t_slow", read_slow),
                     ("t_kept", lambda bind: pl.DataFrame({"n": [4]}))):
        monkeypatch.setitem(inputs.LOADERS, name, fn)
    rules = [_rule("T-2", "t_slow", "t_kept"), _rule("T-1", "t_small", fn=ran_small)]
    with Session(engine) as session:
        found, got = read_and_evaluate(
            session, engine, [({"t_small", "t_slow", "t_kept"}, None), ({"t_kept"}, None)],
            rules, {}, keep={"t_kept"}, bulk=bulk)
    if bulk:
        assert seen == {"small rule ran while this was read": True, "its input freed meanwhile": True}
    assert found.select("rule_id", "subject_id").rows() == [("T-2", "t_kept+t_slow"), ("T-1", "t_small")]
    assert list(got[0]) == ["t_kept"] and got[1]["t_kept"]["n"].to_list() == [4]


def test_given_frames_stand_in_and_a_failing_loader_fails_the_read(engine, monkeypatch):
    def broken(bind):  # noqa: ANN001, ANN202, ARG001
        raise RuntimeError("读取失败")

    monkeypatch.setitem(inputs.LOADERS, "t_broken", broken)
    monkeypatch.setitem(inputs.LOADERS, "t_fine", lambda bind: pl.DataFrame({"n": [1]}))
    given = {"t_given": pl.DataFrame({"n": [9]})}
    with Session(engine) as session:
        found, got = read_and_evaluate(session, engine, [({"t_fine"}, None)],
                                       [_rule("T-1", "t_given"), _rule("T-2", "t_fine", "t_given")],
                                       given, keep=(), bulk=True)
        assert found["subject_id"].to_list() == ["t_given", "t_fine+t_given"]
        assert got == [{}]
        with pytest.raises(RuntimeError, match="读取失败"):
            read_and_evaluate(session, engine, [({"t_fine", "t_broken"}, None)],
                              [_rule("T-1", "t_fine", "t_broken")], {}, keep=(), bulk=True)


def test_loaders_start_by_lead_then_name(engine, monkeypatch):
    started = []
    table: dict = {}
    loader = inputs.loader_table(table)
    for name, lead in (("t_b", 0), ("t_a", 0), ("t_long", 2), ("t_family", 1)):
        def read(bind, name=name):  # noqa: ANN001, ANN202, ARG001
            started.append(name)
            return pl.DataFrame({"n": [1]})
        loader(name, tables=("alert",), lead=lead)(read)
    for name, fn in table.items():
        monkeypatch.setitem(inputs.LOADERS, name, fn)
    with engine.connect() as conn, inputs.inputs_as_read(conn, [({"t_b", "t_a"}, None),
                                                               ({"t_family", "t_long"}, None)]) as arriving:
        assert [key for key, _ in arriving] == [(1, "t_long"), (1, "t_family"), (0, "t_a"), (0, "t_b")]
    assert started == ["t_long", "t_family", "t_a", "t_b"]


def test_the_provinces_steps_lead_and_nothing_else():
    leads = {name: inputs.lead_of(name) for name in inputs.LOADERS}
    assert leads.pop("ap_steps") == 1
    assert set(leads.values()) == {0}


def test_rules_ready_together_run_two_at_a_time_and_keep_their_order(engine, monkeypatch):
    """The trading rules are all ready when the last trading input is in: they run two at a
    time (each rule here waits for another to be running beside it), handed back in order."""
    beside = threading.Barrier(2, timeout=30)
    threads = set()

    def paired(frames, params):  # noqa: ANN001, ANN202
        threads.add(threading.current_thread().name)
        beside.wait()  # a rule run alone would wait 30 s, then break the barrier
        return _names_it_read(frames, params)

    monkeypatch.setitem(inputs.LOADERS, "t_shared", lambda bind: pl.DataFrame({"n": [1]}))
    rules = [_rule(f"T-{i}", "t_shared", fn=paired) for i in (4, 1, 3, 2)]
    with Session(engine) as session:
        found, _ = read_and_evaluate(session, engine, [({"t_shared"}, None)], rules, {},
                                     keep=(), bulk=True)
    assert found["rule_id"].to_list() == ["T-4", "T-1", "T-3", "T-2"]
    assert len(threads) == 2 and all(name.startswith("rules") for name in threads)
