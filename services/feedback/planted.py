"""Planted demo tickets: one clean case for each FB rule, in 和平区 (the county demo users'
region, its 市场监督管理局) and two province departments, with dates counted in working days
back from today so each fires exactly as its rule reads. PLANTED names them by the citizen's
phone (ticket rules) or the department (kind@region)."""

from __future__ import annotations

from datetime import date, timedelta

from models.feedback import Category
from services.feedback.seed_life import Life, Workdays, base_row, stamp

OPERATOR = "hotline_op"
REGION = "210102"
# rule -> the planted ticket number suffixes (a matter: its first ticket) / department kind
PLANTED = {"FB-Y1": "13800009001", "FB-R1": "13800009002", "FB-Y2": "13800009003",
           "FB-Y3": "13800009004", "FB-R2": "13800009005", "FB-R3": "13900000015",
           "FB-Y4": "wsjk@210000", "FB-Y5": "jtys@210000"}


def _back(wd: Workdays, today: date, k: int) -> date:
    """The working day k working days before today."""
    return wd.by_ordinal[wd.ordinal[today] - k]


class _Planter:
    def __init__(self, w, cats: dict[str, Category], wd: Workdays) -> None:  # noqa: ANN001
        self.w, self.cats, self.wd, self.count = w, cats, wd, 0

    def ticket(self, tid: int, cat: str, region: str, received: date, *, contact: str = "",
               address: str = "和平区民主路12号", repeat_of: int | None = None,
               content: str = "商家虚假宣传，拒不退款，多次协商未果。") -> Life:
        row = base_row(tid, received=stamp(received, 9), channel="12345", category=self.cats[cat],
                       region=region, address=address, content=content, contact=contact,
                       repeat_of=repeat_of)
        life = Life(row)
        life.events.append(("receive", None, "received", row["received_at"], OPERATOR, None, "", True))
        return life

    def dispatch(self, life: Life, dept: int, day: date, action: str = "dispatch") -> None:
        cat = self.cats[life.row["category_code"]]
        r = life.row
        r["department_id"], r["dispatched_on"] = dept, day
        r["sign_due"], r["reply_due"] = self.wd.due(day, cat.sign_days), self.wd.due(day, cat.reply_days)
        life.move(action, "dispatched", stamp(day, 10), OPERATOR)

    def sign(self, life: Life, day: date) -> None:
        life.row["signed_at"] = stamp(day, 11)
        life.move("sign", "signed", stamp(day, 11), f"dept{life.row['department_id']}")
        life.move("process", "processing", stamp(day, 12), f"dept{life.row['department_id']}")

    def reply(self, life: Life, day: date) -> None:
        cat = self.cats[life.row["category_code"]]
        life.row.update(reply="已责令商家退款。", replied_at=stamp(day, 15),
                        visit_due=self.wd.due(day, cat.visit_days))
        life.move("reply", "replied", stamp(day, 15), f"dept{life.row['department_id']}", "已责令商家退款。")

    def rate(self, life: Life, day: date, satisfaction: str, *, close: bool) -> None:
        resolved = satisfaction != "unsatisfied"
        life.row.update(visited_at=stamp(day, 16), resolved=resolved, satisfaction=satisfaction)
        life.move("visit", "visited", stamp(day, 16), OPERATOR, "已解决" if resolved else "未解决")
        life.move("evaluate", "evaluated", stamp(day, 16) + timedelta(minutes=5), OPERATOR, satisfaction)
        if close:
            life.row["closed_at"] = stamp(day, 17)
            life.move("close", "closed", stamp(day, 17), OPERATOR)

    def reopen(self, life: Life, day: date) -> None:
        life.row["reopen_count"] += 1
        for k in ("reply", "replied_at", "visited_at", "visit_due", "resolved", "satisfaction"):
            life.row[k] = None
        self.dispatch(life, life.row["department_id"], day, action="reopen")

    def add(self, life: Life) -> None:
        self.w.add(life)
        self.count += 1


def plant(w, cats: dict[str, Category], depts: dict[tuple[str, str], int], wd: Workdays,  # noqa: ANN001
          today: date) -> int:
    p = _Planter(w, cats, wd)
    b = lambda k: _back(wd, today, k)  # noqa: E731
    scjg, base = depts[(REGION, "scjg")], w.next_id
    ids = {rule: base + i for i, rule in enumerate(("FB-Y1", "FB-R1", "FB-Y2", "FB-Y3", "FB-R2"))}
    w.next_id = base + len(ids)
    # JG04: sign-for 1, reply 7 working days
    t = p.ticket(ids["FB-Y1"], "JG04", REGION, b(3), contact="13800009001")
    p.dispatch(t, scjg, b(3))                                  # sign-for was due b(2)
    p.add(t)
    t = p.ticket(ids["FB-R1"], "JG04", REGION, b(9), contact="13800009002")
    p.dispatch(t, scjg, b(9))
    p.sign(t, b(8))                                            # reply was due b(2)
    p.add(t)
    t = p.ticket(ids["FB-Y2"], "JG04", REGION, b(6), contact="13800009003")
    p.dispatch(t, scjg, b(6))
    p.sign(t, b(5))                                            # reply due in 1 working day
    p.add(t)
    t = p.ticket(ids["FB-Y3"], "JG04", REGION, b(8), contact="13800009004")
    p.dispatch(t, scjg, b(8))
    p.sign(t, b(7))
    p.reply(t, b(4))                                           # JG04 call-back in 2: due b(2)
    p.add(t)
    t = p.ticket(ids["FB-R2"], "JG04", REGION, b(30), contact="13800009005")
    p.dispatch(t, scjg, b(30))
    for start in (b(30), b(20)):
        p.sign(t, start)
        p.reply(t, wd.due(start, 2))
        p.rate(t, wd.due(start, 3), "unsatisfied", close=False)
        p.reopen(t, wd.due(start, 3) if start == b(30) else b(1))
    p.sign(t, b(1))                                            # reopened twice, open again
    p.add(t)
    # FB-R3: one matter three times in 30 days (same phone and address), the last still open
    first = w.next_id
    phone, addr = "13900000015", "和平区南京北街88号"
    for k, day in enumerate((b(18), b(10), b(2))):
        t = p.ticket(first + k, "SP03", REGION, day, contact=phone, address=addr,
                     repeat_of=first if k else None, content="饭店后厨卫生脏乱，吃后腹泻，请查处。")
        p.dispatch(t, scjg, day)
        p.sign(t, day)
        if k < 2:
            p.reply(t, wd.due(day, 2))
            p.rate(t, wd.due(day, 3), "satisfied", close=True)
        p.add(t)
    w.next_id = first + 3
    # FB-Y4: a province department with 6 of 12 evaluations satisfied in the last 60 days
    wsjk, jtys = depts[("210000", "wsjk")], depts[("210000", "jtys")]
    for k in range(12):
        day = b(40 - 2 * k)
        t = p.ticket(w.next_id, "YL07", "210000", day, content="医院挂号难，黄牛倒号严重。")
        w.next_id += 1
        p.dispatch(t, wsjk, day)
        p.sign(t, day)
        p.reply(t, wd.due(day, 3))
        p.rate(t, wd.due(day, 4), "satisfied" if k % 2 else "unsatisfied", close=bool(k % 2))
        p.add(t)
    # FB-Y5: a province department given 10 tickets in 60 days that returned 6 of them
    for k in range(10):
        day = b(45 - 3 * k)
        t = p.ticket(w.next_id, "JT06", "210000", day, content="出租车拒载绕路，投诉无门。")
        w.next_id += 1
        p.dispatch(t, jtys, day)
        if k < 6:
            t.row["return_count"] = 1
            t.move("return", "returned", stamp(day, 14), f"dept{jtys}", "不属于本部门职责", False)
            p.dispatch(t, jtys, wd.due(day, 1), action="reject_return")
            day = wd.due(day, 1)
        p.sign(t, day)
        p.reply(t, wd.due(day, 3))
        p.rate(t, wd.due(day, 4), "satisfied", close=True)
        p.add(t)
    return p.count
