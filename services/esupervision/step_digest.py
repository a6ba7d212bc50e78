"""Every case step of the province from PostgreSQL's per-case digest (migration 0019), for a
full read: 1.1M rows of packed steps cost a third of the CPU of 5.8M rows of steps (the
server's COPY, the driver's Arrow columns and polars' sort), and they come in order of start.
The digest is kept by triggers on case_step, so it holds what the steps hold whoever wrote
them; tests/unit/test_step_digest.py checks that it reads exactly as the steps do."""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
from sqlalchemy import column, select, table

from services.lights.inputs import Bind
from services.platform.frames import UTC_TIMESTAMP, read_frame

DIGEST = table("case_step_digest", column("case_id"), column("steps"))
# each step: seq int4, pass_no int4, started_at and finished_at int8 µs since the epoch (UTC),
# big-endian (PostgreSQL's int4send / int8send); finished_at RUNNING while the step runs
STEP_BYTES = 24
RUNNING = np.iinfo(np.int64).min


def uses_digest(bind: Bind) -> bool:
    return bind.dialect.name == "postgresql"


def digest_steps(bind: Bind) -> pl.DataFrame:
    """case_id, seq, pass_no, started_at, finished_at (UTC_TIMESTAMP, null while the step runs)
    of every step, in order of case, start, pass and step."""
    cases = read_frame(bind, select(DIGEST.c.case_id, DIGEST.c.steps),
                       {"case_id": pl.Int64(), "steps": pl.Binary()}).sort("case_id")
    if cases.height == 0:
        return pl.DataFrame(schema={"case_id": pl.Int64(), "seq": pl.Int64(), "pass_no": pl.Int64(),
                                    "started_at": UTC_TIMESTAMP, "finished_at": UTC_TIMESTAMP})
    packed = cases["steps"].to_arrow(compat_level=pl.CompatLevel.oldest())  # one byte buffer
    if isinstance(packed, pa.ChunkedArray):
        packed = packed.combine_chunks()
    offsets = np.frombuffer(packed.buffers()[1], dtype=np.int64)[packed.offset:packed.offset + len(packed) + 1]
    data = np.frombuffer(packed.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    lengths = np.diff(offsets)
    if (lengths % STEP_BYTES).any():
        raise ValueError("case_step_digest: a digest is not whole steps (migration 0019's layout)")
    # the same bytes seen as 6 int4 and as 3 int8 per step: no copy until the columns
    quads, octs = data.view(">i4").reshape(-1, 6), data.view(">i8").reshape(-1, 3)
    return pl.DataFrame({
        "case_id": np.repeat(cases["case_id"].to_numpy(), lengths // STEP_BYTES),
        "seq": quads[:, 0].astype(np.int64),
        "pass_no": quads[:, 1].astype(np.int64),
        "started_at": octs[:, 1].astype(np.int64),
        "finished_at": octs[:, 2].astype(np.int64),
    }).with_columns(
        pl.col("started_at").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        pl.when(pl.col("finished_at") != RUNNING).then(pl.col("finished_at"))
        .cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias("finished_at"),
    )
