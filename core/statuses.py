"""Statuses shared across layers, defined once.

`LIGHT_OPEN` is what "open" means for a light, wherever it is counted (cockpit, board, system
sections, scores): fired and not yet answered. Once the department has answered its 督办 order
(`rectified`) the light is off while the supervisor checks the answer; a returned answer puts it
back to `supervising`, and so back on. `WATCHED` adds `rectified`: the sync keeps watching the
condition of those alerts (it never clears them behind an active order)."""

from __future__ import annotations

from enum import StrEnum


class AlertStatus(StrEnum):
    open = "open"                  # fired, nobody has looked at it yet
    acknowledged = "acknowledged"  # a supervisor has seen it
    supervising = "supervising"    # covered by an active 督办 order
    cleared = "cleared"            # the condition went away by itself
    rectified = "rectified"        # the department answered the order; awaiting acceptance
    closed = "closed"              # a supervisor closed it (or accepted the order's answer)
    dismissed = "dismissed"        # a supervisor judged it a false positive (reason kept)


class OrderStatus(StrEnum):
    issued = "issued"        # sent to the department
    answered = "answered"    # the department reported its rectification
    returned = "returned"    # the supervisor sent the answer back
    accepted = "accepted"    # the supervisor accepted it: the order and its alerts are closed


class CaseStatus(StrEnum):
    """An approval case (S4 审批办件)."""
    in_progress = "in_progress"
    suspended = "suspended"
    finished = "finished"
    rejected = "rejected"
    withdrawn = "withdrawn"


ALERT_STATUSES: tuple[str, ...] = tuple(s.value for s in AlertStatus)
ORDER_STATUSES: tuple[str, ...] = tuple(s.value for s in OrderStatus)
CASE_STATUSES: tuple[str, ...] = tuple(s.value for s in CaseStatus)

LIGHT_OPEN: tuple[str, ...] = (AlertStatus.open, AlertStatus.acknowledged, AlertStatus.supervising)
WATCHED: tuple[str, ...] = (*LIGHT_OPEN, AlertStatus.rectified)
ACTIVE_ORDER_STATUSES: tuple[str, ...] = (OrderStatus.issued, OrderStatus.answered,
                                          OrderStatus.returned)
CASE_OPEN: tuple[str, ...] = (CaseStatus.in_progress, CaseStatus.suspended)
CASE_CONCLUDED: tuple[str, ...] = (CaseStatus.finished, CaseStatus.rejected, CaseStatus.withdrawn)
