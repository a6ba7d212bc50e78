"""The flow charts S4 checks cases against (AP-R2), read on a `Bind` like the other S4 frames
(services.esupervision.frames): the steps and arcs of every power version, or of the versions
a set of departments' cases were handled under (a partitioned sync)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlalchemy.sql import Select

from metrics.esupervision.rules import EDGES_SCHEMA, FLOW_STEPS_SCHEMA
from models.esupervision import ApprovalCase
from models.power import PowerEdge, PowerStep
from services.lights.inputs import Bind
from services.platform.frames import read_frame

# every flow chart's steps: read once per sync snapshot, for the steps' names and limits
# (services.esupervision.frames.read_steps) and for AP-R2's start and end steps (the same
# statement, so the snapshot shares the read)
FLOW_READ = select(PowerStep.power_id, PowerStep.seq, PowerStep.name, PowerStep.limit_days)
FLOW_READ_SCHEMA = {"power_id": pl.Int64(), "seq": pl.Int64(), "step_name": pl.String(),
                    "step_limit_days": pl.Int64()}


def _powers_handled(departments: frozenset[int]) -> Select:
    """The ids of the power versions the departments' cases were handled under."""
    return (select(ApprovalCase.power_id).where(ApprovalCase.department_id.in_(sorted(departments)))
            .distinct())


def flow_steps(bind: Bind, departments: frozenset[int] | None = None) -> pl.DataFrame:
    """(power_id, seq) of every power version's flow chart (AP-R2's start and end steps), or
    of the versions the `departments`' cases were handled under."""
    if departments is None:
        return read_frame(bind, FLOW_READ, FLOW_READ_SCHEMA).select(*FLOW_STEPS_SCHEMA)
    stmt = select(PowerStep.power_id, PowerStep.seq).where(
        PowerStep.power_id.in_(_powers_handled(departments)))
    return read_frame(bind, stmt, FLOW_STEPS_SCHEMA)


def flow_edges(bind: Bind, power_ids: list[int] | None = None,
               departments: frozenset[int] | None = None) -> pl.DataFrame:
    stmt = select(PowerEdge.power_id, PowerEdge.from_seq, PowerEdge.to_seq)
    if power_ids is not None:
        stmt = stmt.where(PowerEdge.power_id.in_(power_ids))
    if departments is not None:
        stmt = stmt.where(PowerEdge.power_id.in_(_powers_handled(departments)))
    return read_frame(bind, stmt, EDGES_SCHEMA)
