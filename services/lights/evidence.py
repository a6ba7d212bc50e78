"""Evidence files on the department's answer to a 督办 order: PDF, images and Office
documents, recognised by their content (not their name), size-checked, kept in the database
under the order, and read back only by users whose scope holds the order. Nothing here ever
opens, converts or renders a file: pages offer them as downloads only."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from data_checks.parsing import MB
from models.base import utcnow
from models.lights import SupervisionEvidence, SupervisionOrder
from models.users import User
from services.lights.orders import LightsError, _order
from services.platform import audit
from services.platform.scope import Scope

MAX_BYTES = 10 * MB  # Streamlit's megabyte, as the uploader counts it
MAX_FILES = 10
ANSWERABLE = ("issued", "returned")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {"word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")}
LEGACY = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
          "ppt": "application/vnd.ms-powerpoint"}
SIGNATURES = ((b"%PDF-", "pdf", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
              (b"\xff\xd8\xff", "jpg", "image/jpeg"))
EXTENSIONS = {"pdf": {"pdf"}, "png": {"png"}, "jpg": {"jpg", "jpeg"}, "docx": {"docx"},
              "xlsx": {"xlsx"}, "pptx": {"pptx"}, "doc": {"doc"}, "xls": {"xls"}, "ppt": {"ppt"}}
EVIDENCE_COLUMNS = {"id": pl.Int64(), "file_name": pl.String(), "media_type": pl.String(),
                    "size": pl.Int64(), "uploaded_by": pl.String(),
                    "uploaded_at": pl.Datetime("us", "UTC"), "uploaded_by_name": pl.String()}


def safe_name(file_name: str) -> str:
    """The file's own name (no folders, no control characters), at most 200 characters."""
    base = PureWindowsPath(PurePosixPath(file_name or "").name).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    return base[-200:] or "evidence"


def _ooxml(content: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:  # the directory only: nothing unpacked
            names = zf.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, found in OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return found
    return None


def sniff(file_name: str, content: bytes) -> tuple[str, str]:
    """(kind, media type) recognised from the bytes, which the name's extension must agree
    with; anything else is refused."""
    ext = PurePosixPath(file_name.lower()).suffix.lstrip(".")
    kind = media = None
    for magic, k, m in SIGNATURES:
        if content.startswith(magic):
            kind, media = k, m
    if kind is None and content.startswith(b"PK\x03\x04"):
        kind, media = _ooxml(content) or (None, None)
    if kind is None and content.startswith(OLE) and ext in LEGACY:
        kind, media = ext, LEGACY[ext]
    if kind is None or ext not in EXTENSIONS[kind]:
        raise LightsError("lights.evidence.err_type", name=file_name)
    return kind, media


def add_evidence(*, session: Session, actor: str, scope: Scope, order_id: int, file_name: str,
                 content: bytes, now: datetime | None = None) -> int:
    """Attach one file to an order the department may still answer; returns its id."""
    order: SupervisionOrder = _order(session, scope, order_id)
    if order.status not in ANSWERABLE:
        raise LightsError("lights.err_order_status", status=order.status)
    name = safe_name(file_name)
    if not content:
        raise LightsError("lights.evidence.err_empty", name=name)
    if len(content) > MAX_BYTES:
        raise LightsError("lights.evidence.err_size", name=name, mb=MAX_BYTES // MB)
    count = session.execute(select(func.count()).select_from(SupervisionEvidence)
                            .where(SupervisionEvidence.order_id == order.id)).scalar_one()
    if count >= MAX_FILES:
        raise LightsError("lights.evidence.err_count", n=MAX_FILES)
    _, media = sniff(name, content)
    row = SupervisionEvidence(order_id=order.id, file_name=name, media_type=media,
                              size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                              content=content, uploaded_by=actor, uploaded_at=now or utcnow())
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="supervision.evidence", entity_type="supervision_order",
                 entity_id=order.order_no,
                 after={"file": name, "size": len(content), "sha256": row.sha256})
    return int(row.id)


def _in_scope(scope: Scope):  # noqa: ANN202
    o = SupervisionOrder
    return select(o.id).where(scope.where(o.region_code, o.department_id))


def evidence_list(*, session: Session, scope: Scope, order_id: int) -> pl.DataFrame:
    """The order's files (without their bytes), oldest first; empty when out of scope."""
    e = SupervisionEvidence
    rows = session.execute(
        select(e.id, e.file_name, e.media_type, e.size, e.uploaded_by, e.uploaded_at,
               func.coalesce(User.display_name, e.uploaded_by))  # the uploader by name
        .outerjoin(User, User.username == e.uploaded_by)
        .where(e.order_id == order_id, e.order_id.in_(_in_scope(scope))).order_by(e.id)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=EVIDENCE_COLUMNS, orient="row")


def evidence_file(*, session: Session, scope: Scope,
                  evidence_id: int) -> tuple[str, str, bytes] | None:
    """(file name, media type, bytes) of one file, or None when its order is out of scope."""
    e = SupervisionEvidence
    row = session.execute(select(e.file_name, e.media_type, e.content).where(
        e.id == evidence_id, e.order_id.in_(_in_scope(scope)))).first()
    return (row[0], row[1], bytes(row[2])) if row else None
