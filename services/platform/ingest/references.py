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
from data_checks.kinds import Reference, StoredCheck, UploadKind
from metrics.platform.versions import in_force_on
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


def _version_in_force(joined: pl.DataFrame, ref: Reference) -> pl.DataFrame:
    """Rows joined to every version of their key, back to one row each: the version in force
    on the row's date (`__ref_in_force` False when none was)."""
    def day(col: str) -> pl.Expr:  # aware UTC timestamps as Shanghai dates
        c = pl.col(f"__ref_{col}").cast(pl.Datetime("us", "UTC"))
        return (c + pl.duration(hours=8)).dt.date().alias(f"__ref_day_{col}")
    a = ref.as_of
    dated = joined.with_columns(day(a.valid_from), day(a.valid_until))
    picked = in_force_on(dated, row="_row", on=a.on, valid_from=f"__ref_day_{a.valid_from}",
                         valid_until=f"__ref_day_{a.valid_until}")
    return picked.rename({"in_force": "__ref_in_force"}).sort("_row")


def _foreign_rows(joined: pl.DataFrame, kind: UploadKind, ref: Reference, scope: Scope,
                  codes: list[str] | None) -> pl.Series:
    """`_row`s whose referenced row (any version) lies outside the uploader's regions, or
    outside their department where a later reference checks the department it fetches."""
    found = pl.col("__ref_found").is_not_null()
    outside = pl.lit(False)
    if ref.scope_column and codes is not None:
        outside = outside | ~pl.col(f"__ref_{ref.scope_column}").is_in(codes)
    if scope.department_id is not None:
        checked = {r.field for r in kind.references if r.scope_department}
        for src, dst in ref.fetch.items():
            if dst in checked:
                outside = outside | (pl.col(f"__ref_{src}") != scope.department_id)
    return joined.filter(found & outside.fill_null(False))["_row"].unique()


def database_checks(kind: UploadKind, frame: pl.DataFrame, scope: Scope, *,
                    session: Session) -> tuple[pl.DataFrame, pl.DataFrame]:
    """References (exist, in scope), uploader's scope, derive, post-checks, fixed fields."""
    errors = ErrorList()
    codes = None if scope.is_all else sorted(scope.region_codes or ())
    if kind.scope_field and codes is not None:
        errors.add(errors_where(
            frame, pl.col(kind.scope_field).is_not_null() & ~pl.col(kind.scope_field).is_in(codes),
            field_name=kind.scope_field, key="ingest.err_out_of_scope"))
    # A reference on a column an earlier reference fetched (a power's department id) is
    # reported on the user's own column that led to it (the power code), never as
    # "department_id 40" (issue 17).
    fetched_by: dict[str, str] = {}
    for ref in kind.references:
        shown = fetched_by.get(ref.field, ref.field)
        fetched_by.update({dst: shown for dst in ref.fetch.values()})
        table = SQLModel.metadata.tables[ref.table]
        wanted = [ref.key, *ref.fetch]
        if ref.scope_column and ref.scope_column not in wanted:
            wanted.append(ref.scope_column)
        validity = [ref.as_of.valid_from, ref.as_of.valid_until] if ref.as_of else []
        wanted += [c for c in validity if c not in wanted]
        values = frame[ref.field].drop_nulls().unique().to_list()
        rows = _select_in(session, [table.c[c] for c in wanted], table.c[ref.key], values)
        names = [f"__ref_{c}" for c in wanted]
        found = pl.DataFrame([tuple(_plain(v) for v in r) for r in rows], schema=names,
                             orient="row") if rows else pl.DataFrame(schema=names)
        found = found.with_columns(
            pl.col(f"__ref_{c}").cast(frame.schema[ref.field] if c == ref.key
                                      else _dtype(table.c[c])) for c in wanted if c not in validity)
        joined = frame.join(found.with_columns(pl.lit(True).alias("__ref_found")),
                            left_on=ref.field, right_on=f"__ref_{ref.key}", how="left",
                            coalesce=False, maintain_order="left")
        hidden = pl.lit(False)
        if ref.as_of is not None:
            foreign = _foreign_rows(joined, kind, ref, scope, codes)
            joined = _version_in_force(joined, ref)
            # "No version in force on that date" only for a code the uploader may see: for
            # another county's or department's it would tell that the code exists (issue 17).
            not_in_force = pl.col("__ref_found").is_not_null() & ~pl.col("__ref_in_force")
            hidden = not_in_force & pl.col("_row").is_in(foreign.implode())
            errors.add(errors_where(joined, not_in_force & ~hidden, field_name=ref.field,
                                    key="ingest.err_ref_not_in_force"))
        missing = (pl.col(ref.field).is_not_null() & pl.col("__ref_found").is_null()) | hidden
        if ref.in_file:
            in_file = frame[kind.natural_key[0]].drop_nulls().to_list()
            missing = missing & ~pl.col(ref.field).is_in(in_file)
        # A scoped user gets one message for a code that does not exist and for one outside
        # their region or department, so an upload never tells whether another county has
        # it (issue 17).
        scoped = bool(ref.scope_column and codes is not None) or bool(
            ref.scope_department and scope.department_id is not None and "id" in wanted)
        if ref.scope_column and codes is not None:
            missing = missing | (pl.col("__ref_found").is_not_null()
                                 & ~pl.col(f"__ref_{ref.scope_column}").is_in(codes))
        if ref.scope_department and scope.department_id is not None and "id" in wanted:
            missing = missing | (pl.col("__ref_found").is_not_null()
                                 & (pl.col("__ref_id") != scope.department_id))
        errors.add(errors_where(joined, missing, field_name=shown, value=pl.col(shown),
                                key="ingest.err_ref_unavailable" if scoped else "ingest.err_ref_missing"))
        frame = joined.with_columns(
            pl.col(f"__ref_{src}").alias(dst) for src, dst in ref.fetch.items()
        ).select(pl.exclude("^__ref_.*$"))
    if errors:
        return frame, errors.frame()
    if kind.derive is not None:
        frame = kind.derive(frame)
    for check in kind.post_checks:
        errors.add(checks.run_cross_check(frame, check))
    for stored_check in kind.stored_checks:
        failed = stored_check.fail(frame, _stored_siblings(session, kind, frame, stored_check))
        errors.add(errors_where(frame, pl.col("_row").is_in(failed.implode()),
                                field_name=stored_check.field, key=stored_check.message_key))
    # Existing rows: may not move out of scope nor change fixed fields.
    # the stored row's region: the kind's scope field, else the table's region column
    region_col = kind.scope_field or ("region_code" if "region_code" in table_of(kind).c else None)
    watched = [f for f in {*kind.fixed, *([region_col] if region_col else [])}
               if f in table_of(kind).c]
    if watched:
        existing = _existing(session, kind, frame, watched)
        if existing.height:
            joined = frame.join(existing, on=list(kind.natural_key), how="inner")
            # A stored row of another county is reported as out of scope and nothing else:
            # no "existing record" wording, no field-by-field detail (issue 17).
            foreign = pl.lit(False)
            if region_col in watched and codes is not None:
                foreign = (pl.col(f"__old_{region_col}").is_not_null()
                           & ~pl.col(f"__old_{region_col}").is_in(codes))
                errors.add(errors_where(joined, foreign, field_name=kind.natural_key[0],
                                        key="ingest.err_out_of_scope"))
            for f in kind.fixed:
                if f in watched:
                    errors.add(errors_where(
                        joined, ~foreign & pl.col(f).ne_missing(pl.col(f"__old_{f}")),
                        field_name=f, key="ingest.err_fixed", params={}, value=pl.col(f)))
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


def _stored_siblings(session: Session, kind: UploadKind, frame: pl.DataFrame,
                     check: StoredCheck) -> pl.DataFrame:
    """Stored rows sharing `check.group` with the file's rows, less those the file replaces
    (same natural key)."""
    table = table_of(kind)
    keys = list(kind.natural_key)
    cols = list(dict.fromkeys([check.group, *keys, *check.columns]))
    rows = _select_in(session, [table.c[c] for c in cols], table.c[check.group],
                      frame[check.group].drop_nulls().unique().to_list())
    stored = pl.DataFrame([tuple(_plain(v) for v in r) for r in rows], orient="row", strict=False,
                          schema={c: frame.schema[c] if c in frame.columns else _dtype(table.c[c])
                                  for c in cols})
    return stored.join(frame.select(keys), on=keys, how="anti", nulls_equal=True)


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


