"""The workbench's lists (services.performance.manual): what is still to do under one or four
eyes, and whose entries a reviewer may review (never their own)."""

import polars as pl

from services.performance.manual import awaiting_review, to_do

GRID = pl.DataFrame({"code": ["a", "b", "c", "d"], "status": ["missing", "entered", "entered", "reviewed"],
                     "evaluator": [None, "li", "wang", "li"]})


def test_to_do_under_four_eyes_is_everything_not_reviewed_else_what_is_missing():
    assert to_do(GRID, four_eyes=True)["code"].to_list() == ["a", "b", "c"]
    assert to_do(GRID, four_eyes=False)["code"].to_list() == ["a"]


def test_a_reviewer_sees_the_others_entries_only():
    assert awaiting_review(GRID, "li")["code"].to_list() == ["c"]
    assert awaiting_review(GRID, "zhao")["code"].to_list() == ["b", "c"]
