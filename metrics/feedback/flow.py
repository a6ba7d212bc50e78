"""The ticket loop as one table: which action moves a ticket from which status to which, who
may take it, and whether the citizen sees it on the public status page.

受理 received → 派单 dispatched → 签收 signed → 办理 processing → 答复 replied → 回访 visited
→ 评价 evaluated → 办结 closed; side paths: 退单 return (reviewed: approved back to received
for a new dispatch, or rejected back to the same department), 改派 reassign, 并单 merge into a
master ticket, 延期 extension asked / approved / refused (the status stays, the deadline moves),
重办 reopen after 不满意 or 未解决, 直接答复 direct reply at intake.

Pure data: services.feedback.tickets applies it (and the preconditions that need the ticket's
fields: a pending extension, the evaluation's outcome)."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES: tuple[str, ...] = ("received", "dispatched", "signed", "processing", "replied",
                             "visited", "evaluated", "closed", "returned", "merged")
OPEN_STATUSES: tuple[str, ...] = ("received", "dispatched", "signed", "processing", "returned")
HANDLING: tuple[str, ...] = ("dispatched", "signed", "processing")  # the reply clock runs
TERMINAL: tuple[str, ...] = ("closed", "merged")

OPERATOR = "operator"      # hotline / 民心网 operators (data officers without a department), admins
DEPARTMENT = "department"  # the handling department's data officers
SAME = "="                 # the status does not change


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: str             # OPERATOR or DEPARTMENT
    public: bool           # shown on the citizen's status page
    needs_note: bool = False


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("dispatch", ("received",), "dispatched", OPERATOR, True),
    Transition("direct_reply", ("received",), "replied", OPERATOR, True, needs_note=True),
    Transition("merge", ("received", "dispatched"), "merged", OPERATOR, True),
    Transition("sign", ("dispatched",), "signed", DEPARTMENT, True),
    Transition("return", ("dispatched", "signed"), "returned", DEPARTMENT, False, needs_note=True),
    Transition("approve_return", ("returned",), "received", OPERATOR, False),
    Transition("reject_return", ("returned",), "dispatched", OPERATOR, False, needs_note=True),
    Transition("reassign", ("dispatched", "signed", "processing"), "dispatched", OPERATOR, True),
    Transition("process", ("signed",), "processing", DEPARTMENT, True),
    Transition("request_extension", ("signed", "processing"), SAME, DEPARTMENT, False,
               needs_note=True),
    Transition("approve_extension", ("signed", "processing"), SAME, OPERATOR, True),
    Transition("reject_extension", ("signed", "processing"), SAME, OPERATOR, False),
    Transition("reply", ("processing",), "replied", DEPARTMENT, True, needs_note=True),
    Transition("visit", ("replied",), "visited", OPERATOR, True),
    Transition("evaluate", ("visited",), "evaluated", OPERATOR, True),
    Transition("close", ("evaluated",), "closed", OPERATOR, True),
    Transition("reopen", ("evaluated",), "dispatched", OPERATOR, True),
)}
ACTIONS: tuple[str, ...] = tuple(TRANSITIONS)


def target_of(action: str, status: str) -> str | None:
    """The status after `action` from `status`, or None when the table refuses it."""
    tr = TRANSITIONS.get(action)
    if tr is None or status not in tr.sources:
        return None
    return status if tr.target == SAME else tr.target


def allowed_actions(status: str, actor: str | None = None) -> list[str]:
    """Actions the table allows from `status` (for `actor` when given), in table order."""
    return [a for a, tr in TRANSITIONS.items()
            if status in tr.sources and (actor is None or tr.actor == actor)]
