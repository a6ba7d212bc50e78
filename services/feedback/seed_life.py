"""The life of one demo ticket, walked through the loop of metrics.feedback.flow with the real
working-day calendar, stopping at "today": what is still open is open, what ran late is late,
so every light the demo shows is one the rules would raise on real data.

Plain Python on purpose (one ticket's path branches at every step); deadlines are O(1)
look-ups in the calendar's workday ordinals (`Workdays`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import polars as pl

from core.clock import CHINA_TZ
from services.feedback import contact as crypto
from services.feedback.tickets import normalise_address


class Workdays:
    """Deadlines on a calendar frame (day, is_workday, ordinal) with the rules of
    metrics.feedback.deadlines, by ordinal arithmetic."""

    def __init__(self, cal: pl.DataFrame) -> None:
        self.ordinal = dict(zip(cal["day"].to_list(), cal["ordinal"].to_list(), strict=True))
        self.by_ordinal = dict(zip(cal.filter(pl.col("is_workday"))["ordinal"].to_list(),
                                   cal.filter(pl.col("is_workday"))["day"].to_list(), strict=True))

    def due(self, start: date, days: int) -> date:
        if days == 0:
            return self.by_ordinal[self.ordinal[start - timedelta(days=1)] + 1]
        return self.by_ordinal[self.ordinal[start] + days]

    def left(self, today: date, due: date) -> int:
        return self.ordinal[due] - self.ordinal[today]


def stamp(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC)


@dataclass
class Life:
    """A ticket's fields as the walk leaves them, and its events (action, from, to, at,
    actor, department, note, public)."""

    row: dict
    events: list[tuple] = field(default_factory=list)

    def move(self, action: str, to: str, at: datetime, actor: str, note: str = "",
             public: bool = True) -> None:
        self.events.append((action, self.row["status"], to, at, actor, self.row["department_id"],
                            note, public))
        self.row["status"] = to
        self.row["updated_at"] = at


def base_row(tid: int, *, received, channel: str, category, region: str, address: str,  # noqa: ANN001
             content: str, contact: str, urgency: str = "normal", repeat_of: int | None = None) -> dict:
    no = f"S5{received.astimezone(CHINA_TZ).date():%Y%m%d}{tid:07d}"
    return dict(
        id=tid, ticket_no=no, query_hash=crypto.query_hash(no, demo_code(tid)), channel=channel,
        received_at=received, category_code=category.code, urgency=urgency, content=content,
        region_code=region, address=address, address_norm=normalise_address(address),
        contact_hash=crypto.contact_hash(contact), contact_cipher=crypto.encrypt(contact),
        contact_mask=crypto.mask(contact), status="received", department_id=None,
        merged_into_id=None, repeat_of_id=repeat_of, dispatched_on=None, sign_due=None,
        reply_due=None, visit_due=None, extension_days=0, extension_pending=0, signed_at=None,
        replied_at=None, visited_at=None, closed_at=None, reply=None, resolved=None,
        satisfaction=None, reopen_count=0, return_count=0, published=True, updated_at=received)


def demo_code(tid: int) -> str:
    """The demo's query codes are derivable (the e2e and the docs use them); real ones are random."""
    return f"D{tid % 100000:05d}"


REPLIES = ("经核查，已责成相关单位整改完毕。", "已现场处理，问题已解决。", "已联系诉求人说明政策并妥善处理。",
           "已立案调查，依法作出处理。", "已协调相关方达成一致，费用已退还。")


def live(life: Life, rng: random.Random, wd: Workdays, today: date, *, dept_id: int,
         limits: tuple[int, int, int], operator: str) -> None:
    """Walk the ticket from 受理 as far as `today` allows. limits: sign, reply, visit days."""
    r = life.row
    sign_days, reply_days, visit_days = limits
    dept_actor = f"dept{dept_id}"
    day = r["received_at"].astimezone(CHINA_TZ).date()

    def at(d: date, hour: int) -> datetime:
        return stamp(d, hour, rng.randrange(60))

    if rng.random() < 0.07:  # 直接答复 at intake
        r["reply"], r["replied_at"] = "已当场解答政策咨询。", at(day, 16)
        r["visit_due"] = wd.due(day, visit_days)
        life.move("direct_reply", "replied", r["replied_at"], operator, r["reply"])
        _visit_and_close(life, rng, wd, today, day, operator)
        return
    cycle = 0
    while True:
        if day > today:
            return
        r["department_id"], r["dispatched_on"] = dept_id, day
        r["sign_due"] = wd.due(day, sign_days)
        r["reply_due"] = wd.due(day, reply_days + r["extension_days"])
        r["signed_at"] = None
        life.move("dispatch" if cycle == 0 else "reopen", "dispatched", at(day, 11), operator)
        if cycle == 0 and rng.random() < 0.05:   # 退单, the review refuses it
            back = wd.due(day, 1)
            if back > today:
                return
            life.move("return", "returned", at(back, 9), dept_actor, "不属于本部门职责", False)
            r["return_count"] += 1
            day = back
            r["sign_due"] = wd.due(day, sign_days)
            r["reply_due"] = wd.due(day, reply_days)
            r["dispatched_on"] = day
            life.move("reject_return", "dispatched", at(day, 14), operator, "属于本部门职责，请办理", False)
        sign_on = r["sign_due"] if rng.random() < 0.95 else wd.due(r["sign_due"], rng.randint(1, 3))
        if sign_on > today:
            return
        r["signed_at"] = at(sign_on, 9)
        life.move("sign", "signed", r["signed_at"], dept_actor)
        life.move("process", "processing", at(sign_on, 10), dept_actor)
        if rng.random() < 0.05:                  # 延期 asked and approved
            ask = wd.due(sign_on, 1)
            if ask > today:
                return
            life.move("request_extension", "processing", at(ask, 10), dept_actor, "需现场勘查（5）", False)
            r["extension_days"] = 5
            r["reply_due"] = wd.due(r["dispatched_on"], reply_days + 5)
            life.move("approve_extension", "processing", at(ask, 15), operator, r["reply_due"].isoformat())
        span = max(wd.left(sign_on, r["reply_due"]), 0)
        reply_on = (wd.due(sign_on, rng.randint(0, span)) if rng.random() < 0.9
                    else wd.due(r["reply_due"], rng.randint(1, 5)))
        if reply_on > today:
            return
        r["reply"], r["replied_at"] = rng.choice(REPLIES), at(reply_on, 15)
        r["visit_due"] = wd.due(reply_on, visit_days)
        life.move("reply", "replied", r["replied_at"], dept_actor, r["reply"])
        if not _visit_and_close(life, rng, wd, today, reply_on, operator, reopen_ok=cycle < 2):
            return
        # 重办: the loop starts again the day of the evaluation
        cycle += 1
        r["reopen_count"] += 1
        r["extension_days"] = 0
        day = r["visited_at"].astimezone(CHINA_TZ).date()
        for k in ("reply", "replied_at", "visited_at", "visit_due", "resolved", "satisfaction"):
            r[k] = None


def _visit_and_close(life: Life, rng: random.Random, wd: Workdays, today: date, replied: date,
                     operator: str, *, reopen_ok: bool = False) -> bool:
    """回访, 评价, then 办结 or (returns True) 重办."""
    r = life.row
    visit_on = (wd.due(replied, rng.randint(1, 2)) if rng.random() < 0.95
                else wd.due(r["visit_due"], rng.randint(1, 4)))
    if visit_on > today:
        return False
    roll = rng.random()
    satisfaction = "satisfied" if roll < 0.72 else "basically" if roll < 0.88 else "unsatisfied"
    resolved = satisfaction != "unsatisfied" or rng.random() < 0.2
    r["visited_at"], r["resolved"] = stamp(visit_on, 10, rng.randrange(60)), resolved
    life.move("visit", "visited", r["visited_at"], operator, "已解决" if resolved else "未解决")
    r["satisfaction"] = satisfaction
    life.move("evaluate", "evaluated", r["visited_at"] + timedelta(minutes=5), operator, satisfaction)
    if satisfaction == "unsatisfied":
        return reopen_ok  # else it stays evaluated: an unsatisfied ticket never closes
    r["closed_at"] = r["visited_at"] + timedelta(minutes=10)
    life.move("close", "closed", r["closed_at"], operator)
    return False
