"""The indicator tree: versions (draft → active → retired), nodes, and the checks that refuse a
tree whose weights do not add up. A period keeps the version it opened with, so editing is
always on a draft; activating a draft checks it whole."""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from metrics.performance.tree import Problem, validate_tree
from models.base import utcnow
from models.performance import Indicator, IndicatorCreate, TreeVersion
from services.performance.catalog import PerformanceError, score_metrics
from services.platform import audit

NODE_FIELDS = ("code", "parent_code", "name_zh", "name_en", "weight", "seq", "kind", "method",
               "higher_is_better", "source", "metric_key", "missing_rule", "definition")


def node_dict(ind: Indicator) -> dict:
    out = {f: getattr(ind, f) for f in NODE_FIELDS}
    out["params"] = json.loads(ind.params or "{}")
    return out


def version_nodes(*, session: Session, version_id: int) -> list[dict]:
    rows = session.execute(select(Indicator).where(Indicator.version_id == version_id)
                           .order_by(Indicator.seq, Indicator.code)).scalars()
    return [node_dict(r) for r in rows]


def active_version(*, session: Session) -> TreeVersion | None:
    return session.execute(select(TreeVersion).where(TreeVersion.status == "active")).scalar_one_or_none()


def draft_version(*, session: Session) -> TreeVersion | None:
    return session.execute(select(TreeVersion).where(TreeVersion.status == "draft")
                           .order_by(TreeVersion.no.desc())).scalars().first()


def versions(*, session: Session) -> list[TreeVersion]:
    return list(session.execute(select(TreeVersion).order_by(TreeVersion.no.desc())).scalars())


def problems_of(nodes: list[dict]) -> list[Problem]:
    return validate_tree(nodes, frozenset(score_metrics()))


def new_draft(*, session: Session, actor: str, note: str = "") -> TreeVersion:
    """A draft copied from the active version (or empty); one draft at a time."""
    if draft_version(session=session) is not None:
        raise PerformanceError("performance.tree.err_draft_exists")
    no = (session.execute(select(func.max(TreeVersion.no))).scalar_one() or 0) + 1
    draft = TreeVersion(no=no, status="draft", note=note, created_by=actor)
    session.add(draft)
    session.flush()
    active = active_version(session=session)
    if active is not None:
        for ind in session.execute(select(Indicator).where(Indicator.version_id == active.id)).scalars():
            data = ind.model_dump(exclude={"id", "version_id", "version_no"})
            session.add(Indicator(**data, version_id=draft.id, version_no=no))
    session.flush()
    audit.record(session, actor=actor, action="performance.tree.draft", entity_type="perf_tree_version",
                 entity_id=draft.id, after={"no": no, "copied_from": active.no if active else None})
    return draft


def _draft_or_refuse(session: Session) -> TreeVersion:
    draft = draft_version(session=session)
    if draft is None:
        raise PerformanceError("performance.tree.err_no_draft")
    return draft


def save_node(*, session: Session, actor: str, data: IndicatorCreate) -> Indicator:
    """Add or change a node of the draft (validated through IndicatorCreate)."""
    draft = _draft_or_refuse(session)
    values = IndicatorCreate.model_validate(data.model_dump() | {"version_no": draft.no})
    json.loads(values.params or "{}")  # refuse bad JSON before it is stored
    ind = session.execute(select(Indicator).where(Indicator.version_id == draft.id,
                                                  Indicator.code == values.code)).scalar_one_or_none()
    before = node_dict(ind) if ind else None
    if ind is None:
        ind = Indicator(**values.model_dump(), version_id=draft.id)
    else:
        for k, v in values.model_dump().items():
            setattr(ind, k, v)
    session.add(ind)
    session.flush()
    audit.record(session, actor=actor, action="performance.tree.node", entity_type="perf_indicator",
                 entity_id=f"{draft.no}/{ind.code}", before=before, after=node_dict(ind))
    return ind


def delete_node(*, session: Session, actor: str, code: str) -> None:
    draft = _draft_or_refuse(session)
    kids = session.execute(select(func.count()).where(Indicator.version_id == draft.id,
                                                      Indicator.parent_code == code)).scalar_one()
    if kids:
        raise PerformanceError("performance.tree.err_has_children", code=code)
    session.execute(delete(Indicator).where(Indicator.version_id == draft.id, Indicator.code == code))
    audit.record(session, actor=actor, action="performance.tree.delete", entity_type="perf_indicator",
                 entity_id=f"{draft.no}/{code}")


def activate_draft(*, session: Session, actor: str) -> TreeVersion:
    """The draft becomes the tree new periods open with, if it is sound; refused with every
    reason otherwise (PerformanceError params `problems`: list of Problem)."""
    draft = _draft_or_refuse(session)
    problems = problems_of(version_nodes(session=session, version_id=draft.id))
    if problems:
        raise PerformanceError("performance.tree.err_refused", n=len(problems), problems=problems)
    session.execute(update(TreeVersion).where(TreeVersion.status == "active")
                    .values(status="retired"))
    draft.status, draft.activated_at = "active", utcnow()
    session.add(draft)
    session.flush()
    audit.record(session, actor=actor, action="performance.tree.activate",
                 entity_type="perf_tree_version", entity_id=draft.id, after={"no": draft.no})
    return draft
