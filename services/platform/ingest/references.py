"""Database checks of a checked frame: references exist and are in the caller's scope,
existing rows keep their fixed fields; and the diff (new / changed / unchanged) against the
stored rows by natural key. Tables are looked up in the metadata by name: `startup.boot()`
has imported every models module."""

from __future__ import annotations

from enum import Enum
from typing import Any

import polars as pl
from sqlalchemy import Table, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, SQLModel

from data_checks import checks
from data_checks.errors import ErrorList, errors_where
from data_checks.kinds import UploadKind
from services.platform.scope import Scope

CHUNK = 5000


def table_of(kind: UploadKind) -> Table:
    return SQLModel.metadata.tables[kind.table]


def _select_in(session: Session, columns: list, key: Any, values: list) -> list:
    """Rows of `columns` whose `key` is one of `values`: one `= ANY(array)` query on
    PostgreSQL (one parameter, however many values), chunked `IN (...)` on SQLite."""
    if not values:
        return []
    if session.get_bind().dialect.name == "postgresql":
        cond = key == any_(bindparam("ingest_values", values, type_=ARRAY(key.type)))
        return session.execute(select(*columns).where(cond)).all()
    out: list = []
    for i in range(0, len(values), CHUNK):
        out += session.execute(select(*columns).where(key.in_(values[i:i + CHUNK]))).all()
    return out


def _dtype(column: Any) -> pl.DataType:
    try:
        py = column.type.python_type
    except NotImplementedError:
        return pl.String
    return {int: pl.Int64, bool: pl.Boolean, float: pl.Float64}.get(py, pl.String)


def _plain(v: Any) -> Any:
    return v.value if isinstance(v, Enum) else v


def database_checks(kind: UploadKind, frame: pl.DataFrame, scope: Scope, *,
                    session: Session) -> tuple[pl.DataFrame, pl.DataFrame]:
    """References (exist, in scope), uploader's scope, derive, post-checks, fixed fields."""
    errors = ErrorList()
    codes = None if scope.is_all else sorted(scope.region_codes or ())
    if kind.scope_field and codes is not None:
        errors.add(errors_where(
            frame, pl.col(kind.scope_field).is_not_null() & ~pl.col(kind.scope_field).is_in(codes),
            field_name=kind.scope_field, key="ingest.err_out_of_scope"))
    for ref in kind.references:
        table = SQLModel.metadata.tables[ref.table]
        wanted = [ref.key, *ref.fetch]
        if ref.scope_column and ref.scope_column not in wanted:
            wanted.append(ref.scope_column)
        values = frame[ref.field].drop_nulls().unique().to_list()
        rows = _select_in(session, [table.c[c] for c in wanted], table.c[ref.key], values)
        names = [f"__ref_{c}" for c in wanted]
        found = pl.DataFrame([tuple(_plain(v) for v in r) for r in rows], schema=names,
                             orient="row") if rows else pl.DataFrame(schema=names)
        found = found.with_columns(
            pl.col(f"__ref_{c}").cast(frame.schema[ref.field] if c == ref.key
                                      else _dtype(table.c[c])) for c in wanted)
        joined = frame.join(found.with_columns(pl.lit(True).alias("__ref_found")),
                            left_on=ref.field, right_on=f"__ref_{ref.key}", how="left",
                            coalesce=False, maintain_order="left")
        missing = pl.col(ref.field).is_not_null() & pl.col("__ref_found").is_null()
        if ref.in_file:
            in_file = frame[kind.natural_key[0]].drop_nulls().to_list()
            missing = missing & ~pl.col(ref.field).is_in(in_file)
        errors.add(errors_where(joined, missing, field_name=ref.field, key="ingest.err_ref_missing"))
        if ref.scope_column and codes is not None:
            errors.add(errors_where(
                joined, pl.col("__ref_found").is_not_null()
                & ~pl.col(f"__ref_{ref.scope_column}").is_in(codes),
                field_name=ref.field, key="ingest.err_out_of_scope"))
        if ref.scope_department and scope.department_id is not None and "id" in wanted:
            errors.add(errors_where(
                joined, pl.col("__ref_found").is_not_null()
                & (pl.col("__ref_id") != scope.department_id),
                field_name=ref.field, key="ingest.err_out_of_department"))
        frame = joined.with_columns(
            pl.col(f"__ref_{src}").alias(dst) for src, dst in ref.fetch.items()
        ).select(pl.exclude("^__ref_.*$"))
    if errors:
        return frame, errors.frame()
    if kind.derive is not None:
        frame = kind.derive(frame)
    for check in kind.post_checks:
        errors.add(checks.run_cross_check(frame, check))
    # Existing rows: may not move out of scope nor change fixed fields.
    watched = [f for f in {*kind.fixed, *([kind.scope_field] if kind.scope_field else [])}
               if f in table_of(kind).c]
    if watched:
        existing = _existing(session, kind, frame, watched)
        if existing.height:
            joined = frame.join(existing, on=list(kind.natural_key), how="inner")
            for f in kind.fixed:
                if f in watched:
                    errors.add(errors_where(
                        joined, pl.col(f).ne_missing(pl.col(f"__old_{f}")), field_name=f,
                        key="ingest.err_fixed", params={}, value=pl.col(f)))
            if kind.scope_field in watched and codes is not None:
                errors.add(errors_where(
                    joined, pl.col(f"__old_{kind.scope_field}").is_not_null()
                    & ~pl.col(f"__old_{kind.scope_field}").is_in(codes),
                    field_name=kind.natural_key[0], key="ingest.err_existing_out_of_scope"))
    return frame, errors.frame()


def _existing(session: Session, kind: UploadKind, frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Stored values of `columns` (as `__old_<col>`) for the file's natural keys."""
    table = table_of(kind)
    keys = list(kind.natural_key)
    key_values = frame.select(keys).unique()
    # Filtered on the first key part; further parts are matched by the join that follows.
    rows = _select_in(session, [table.c[c] for c in keys + columns], table.c[keys[0]],
                      key_values[keys[0]].drop_nulls().unique().to_list())
    schema = {k: frame.schema[k] for k in keys}
    schema |= {f"__old_{c}": frame.schema[c] if c in frame.columns else pl.String for c in columns}
    return pl.DataFrame([tuple(_plain(v) for v in r) for r in rows], schema=schema,
                        orient="row", strict=False)


def diff(kind: UploadKind, frame: pl.DataFrame, *, session: Session) -> pl.DataFrame:
    """Adds `__status`: new / changed / unchanged against the stored rows."""
    write = checks.write_values(frame, kind)
    compare = [c for c in kind.write_columns() if c not in kind.natural_key
               and c not in kind.insert_defaults]
    existing = _existing(session, kind, write, compare).with_columns(pl.lit(True).alias("__exists"))
    joined = write.join(existing, on=list(kind.natural_key), how="left", maintain_order="left")
    changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"__old_{c}")) for c in compare) \
        if compare else pl.lit(False)
    return joined.with_columns(
        pl.when(pl.col("__exists").is_null()).then(pl.lit("new"))
        .when(changed).then(pl.lit("changed")).otherwise(pl.lit("unchanged"))
        .alias("__status")
    ).select(pl.exclude("^__old_.*$", "__exists"))


def counts(diffed: pl.DataFrame) -> tuple[int, int, int]:
    counts = dict(diffed.group_by("__status").len().iter_rows())
    return counts.get("new", 0), counts.get("changed", 0), counts.get("unchanged", 0)


