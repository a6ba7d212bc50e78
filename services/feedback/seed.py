"""S5 demo: the dispatch catalog, a hotline operator account and a year of tickets across every
channel and city, each walked through the loop up to today (services.feedback.seed_life), plus
planted tickets and departments that break every FB rule once.

Deterministic (one seeded RNG, dates relative to China today). `province` scale writes
≥ 1,000,000 tickets with their events in bulk batches, with a progress bar on stderr."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

from sqlalchemy import insert, select, text
from sqlmodel import Session

from core.clock import china_today
from models.feedback import Category, Ticket, TicketEvent
from models.org import Department, Region
from models.users import User
from services.feedback.planted import plant
from services.feedback.seed_life import Life, Workdays, base_row, live, stamp
from services.platform import audit
from services.platform.bulk import bulk_insert
from services.platform.workcalendar import load_calendar

SEED = 20261215
SMALL_TICKETS = 2400
PROVINCE_TICKETS = 1_000_000
BATCH = 50_000
OPERATOR = "hotline_op"
CHANNEL_WEIGHTS = (("12345", 45), ("minxin", 25), ("hotline", 15), ("letter", 8), ("visit", 7))

# code, name, department kind, sign, reply, urgent sign, urgent reply, visit, what citizens write
CATALOG: tuple[tuple, ...] = (
    ("WY01", "物业服务", "zjj", 1, 10, 0, 3, 3, ("小区电梯长期故障，物业迟迟不维修", "物业乱收停车费，标准不公示")),
    ("ZF02", "房屋质量与租赁", "zjj", 1, 15, 0, 5, 3, ("新房交付后墙体开裂渗水，开发商推诿", "中介扣押租房押金不退")),
    ("SP03", "食品安全", "scjg", 1, 5, 0, 2, 2, ("饭店后厨卫生脏乱，吃后腹泻", "超市销售过期食品")),
    ("JG04", "价格与消费维权", "scjg", 1, 7, 0, 3, 2, ("商家虚假宣传，拒不退款", "加油站价格高于公示价")),
    ("HB05", "环境污染", "sthj", 1, 10, 0, 2, 3, ("工厂夜间排放刺鼻废气", "施工工地夜间噪音扰民")),
    ("JT06", "交通出行", "jtys", 1, 10, 0, 3, 3, ("公交线路班次减少，候车时间过长", "出租车拒载绕路")),
    ("YL07", "医疗卫生", "wsjk", 1, 10, 0, 2, 3, ("医院挂号难，黄牛倒号", "诊所乱收费，开大处方")),
    ("JY08", "教育收费", "jy", 1, 10, 0, 3, 3, ("学校违规收取补课费", "幼儿园擅自提高收费标准")),
    ("LD09", "劳动保障与欠薪", "rlsb", 1, 7, 0, 2, 3, ("工地拖欠农民工工资三个月", "单位不给缴纳社保")),
    ("TD10", "土地与规划", "zrzy", 1, 15, 0, 5, 3, ("村集体土地被违规占用建房", "小区绿地被改建停车场")),
    ("SL11", "供水与水利", "sl", 1, 5, 0, 1, 2, ("小区自来水发黄有异味", "河道堤坝破损无人修复")),
    ("NY12", "农业农村", "nyncj", 1, 10, 0, 3, 3, ("购买到假种子，玉米绝收", "惠农补贴未发放到户")),
    ("ZW13", "政务服务与作风", "fgw", 1, 10, 0, 3, 3, ("窗口工作人员态度恶劣，推诿办事", "项目审批久拖不办")),
)
STREETS = ("中山路", "青年大街", "人民路", "解放路", "胜利街", "建设大路", "长江街", "黄河大街")
TAILS = ("，多次反映未果，请尽快处理。", "，影响周边居民正常生活。", "，希望有关部门依法查处。", "。")


def write_catalog(session: Session) -> dict[str, Category]:
    session.execute(insert(Category), [
        dict(code=c, name=n, department_kind=k, sign_days=s, reply_days=r, urgent_sign_days=us,
             urgent_reply_days=ur, visit_days=v, description="；".join(ex), active=True)
        for c, n, k, s, r, us, ur, v, ex in CATALOG])
    return {c.code: c for c in session.execute(select(Category)).scalars()}


def _operator(session: Session) -> int:
    """The 12345 desk: a data officer of the province without a department (an operator)."""
    if session.execute(select(User.id).where(User.username == OPERATOR)).first():
        return 0
    demo_hash = session.execute(select(User.password_hash).where(User.username == "admin")).scalar()
    session.execute(insert(User), [dict(username=OPERATOR, display_name="12345热线话务员",
                                        roles="data_officer", region_code="210000", department_id=None,
                                        password_hash=demo_hash, active=True, failed_attempts=0)])
    return 1


class Writer:
    """Buffers tickets and events and writes them in batches with explicit ids."""

    def __init__(self, session: Session, start_id: int) -> None:
        self.conn = session.connection()
        self.next_id, self.next_event = start_id, self._max(TicketEvent) + 1
        self.tickets: list[dict] = []
        self.events: list[tuple] = []
        self.counts = {"tickets": 0, "events": 0}

    def _max(self, model) -> int:  # noqa: ANN001
        return self.conn.execute(select(model.id).order_by(model.id.desc()).limit(1)).scalar() or 0

    def add(self, life: Life) -> None:
        tid = life.row["id"]
        self.tickets.append(life.row)
        for action, fr, to, at, actor, dept, note, public in life.events:
            self.events.append((self.next_event, tid, action, fr, to, at, actor, dept, note, public))
            self.next_event += 1
        if len(self.tickets) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.tickets:
            bulk_insert(self.conn, Ticket.__table__, self.tickets)
            bulk_insert(self.conn, TicketEvent.__table__, self.events,
                        ["id", "ticket_id", "action", "from_status", "to_status", "at", "actor",
                         "department_id", "note", "public"])
            self.counts["tickets"] += len(self.tickets)
            self.counts["events"] += len(self.events)
            self.tickets, self.events = [], []


def seed_feedback(session: Session, *, scale: str, today: date | None = None) -> dict[str, int]:
    rng = random.Random(SEED)
    today = today or china_today()
    cats = write_catalog(session)
    users = _operator(session)
    cal = load_calendar(today - timedelta(days=400), today + timedelta(days=120), session=session)
    wd = Workdays(cal.frame)
    depts = {(r, k): i for i, r, k in session.execute(
        select(Department.id, Department.region_code, Department.kind).where(Department.active.is_(True)))}
    regions = session.execute(select(Region.code, Region.level).where(Region.level != "province")).all()
    region_codes = [c for c, _ in regions]
    w = Writer(session, (session.execute(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)).scalar() or 0) + 1)
    total = PROVINCE_TICKETS if scale == "province" else SMALL_TICKETS
    channels, weights = zip(*CHANNEL_WEIGHTS, strict=True)
    cat_list = list(cats.values())
    examples = {row[0]: row[8] for row in CATALOG}
    recent: list[dict] = []  # the last tickets, for repeats of the same matter
    by_id: dict[int, dict] = {}
    recent_cap = max(40, total // 52)  # about a week of tickets: repeats mostly find open ones
    # lives end yesterday: nothing is stamped later than now (today's work is still to do)
    horizon = today - timedelta(days=1)
    for n in range(total):
        received = stamp(horizon - timedelta(days=365 * (total - n) // total), rng.randint(8, 20), rng.randrange(60))
        tid = w.next_id
        w.next_id += 1
        window = min(len(recent), recent_cap)
        earlier = recent[-1 - rng.randrange(window)] if window and rng.random() < 0.06 else None
        if earlier is not None and (received - earlier["received_at"]).days < 30:
            cat, region = cats[earlier["category_code"]], earlier["region_code"]
            address, phone = earlier["address"], earlier["_phone"]
            content = earlier["content"].split("，")[0] + "，至今仍未解决，再次反映。"
            repeat_of = earlier["repeat_of_id"] or earlier["id"]
        else:
            cat, region = rng.choice(cat_list), rng.choice(region_codes)
            address = f"{rng.choice(STREETS)}{rng.randint(1, 300)}号"
            phone = f"13{rng.randint(0, 999999999):09d}" if rng.random() < 0.6 else ""
            content = rng.choice(examples[cat.code]) + rng.choice(TAILS)
            repeat_of = None
        row = base_row(tid, received=received, channel=rng.choices(channels, weights)[0], category=cat,
                       region=region, address=address, content=content, contact=phone,
                       urgency="urgent" if rng.random() < 0.08 else "normal", repeat_of=repeat_of)
        life = Life(row)
        life.events.append(("receive", None, "received", received, OPERATOR, None, "", True))
        dept = depts.get((region, cat.department_kind))
        master = by_id.get(repeat_of) if repeat_of else None
        # merged when the master was still open at the time (its life is already walked)
        open_then = master is not None and master["status"] != "merged" and (
            master["closed_at"] is None or master["closed_at"] > received)
        if open_then and rng.random() < 0.5:
            row["merged_into_id"] = master["id"]
            life.move("merge", "merged", received + timedelta(minutes=20), OPERATOR, master["ticket_no"])
        elif dept is not None:
            urgent = row["urgency"] == "urgent"
            limits = ((cat.urgent_sign_days, cat.urgent_reply_days) if urgent
                      else (cat.sign_days, cat.reply_days)) + (cat.visit_days,)
            live(life, rng, wd, horizon, dept_id=dept, limits=limits, operator=OPERATOR)
        kept = row | {"_phone": phone}
        recent.append(kept)
        by_id[tid] = kept
        if len(recent) >= 2 * recent_cap:  # trimmed in halves: amortised O(1) per ticket
            for old in recent[:recent_cap]:
                by_id.pop(old["id"], None)
            del recent[:recent_cap]
        w.add(life)
        if scale == "province" and n % 100_000 == 0:
            _progress(n, total)
    planted = plant(w, cats, depts, wd, today)
    w.flush()
    if scale == "province":
        _progress(total, total)
    if session.connection().dialect.name == "postgresql":
        for table in ("fb_ticket", "fb_event"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    counts = {"categories": len(cats), "users": users, **w.counts, "planted": planted}
    audit.record(session, actor="system", action="seed.feedback", entity_type="fb_ticket",
                 entity_id="*", after=counts)
    return counts


def _progress(done: int, total: int) -> None:
    bar = "#" * (30 * done // total)
    sys.stderr.write(f"\r  feedback tickets [{bar:<30}] {done:,}/{total:,}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
