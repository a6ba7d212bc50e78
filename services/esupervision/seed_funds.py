"""The S4 demo seed's special funds and their payments: clean funds by construction (see
services.esupervision.seed) and the planted violations of every FD- rule."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.esupervision import FundPayment, SpecialFund
from models.org import Department, Region
from services.esupervision.seed_writer import CHUNK, FUND_COLUMNS, PAY_COLUMNS, next_id, rand_int, write

# rule -> planted fund (code ends with f"-9{k:02d}")
PLANTED_FUNDS: dict[str, int] = {"FD-R1": 1, "FD-R2": 2, "FD-Y1": 3, "FD-Y2": 4, "FD-Y3": 5}
BUDGET_SHARES = {"small": (5, 20), "province": (15, 60)}  # budget in approval thresholds
FUNDS_PER_DEPT = {"small": 1, "province": 9}
FUND_KINDS = ("cz", "nyncj", "sl", "jtys", "jy", "wsjk", "rlsb", "zjj")
# a recipient's name: its region's name, a trade name and a line of business (each of a fund's
# twelve recipients has its own trade name)
TRADE_NAMES = ("恒泰", "鑫达", "华宇", "金诚", "瑞丰", "宏远", "正和", "天成", "德茂", "嘉禾", "永兴", "盛通")
RECIPIENTS = ["农业发展有限公司", "水利工程有限公司", "建设集团有限公司", "农民专业合作社",
              "交通工程有限公司", "教育科技有限公司", "医疗器械有限公司", "劳务服务有限公司"]
FUND_NAMES = {"cz": "财政专项转移支付资金", "nyncj": "高标准农田建设补助资金", "sl": "水利发展资金",
              "jtys": "农村公路建设补助资金", "jy": "义务教育薄弱环节改善资金", "wsjk": "基本公共卫生服务补助资金",
              "rlsb": "就业补助资金", "zjj": "老旧小区改造补助资金"}


def _uscc(rng: random.Random, region: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + region + "".join(rng.choice(alphabet) for _ in range(10))


def write_funds(*, session: Session, rng: random.Random, scale: str,
                today: date) -> tuple[int, int]:
    """Funds of every fund-keeping department and one planted fund per FD- rule, with their
    payments, in bulk; returns (funds, payments) written."""
    conn = session.connection()
    depts = session.execute(select(Department.id, Department.code, Department.kind, Department.region_code)
                            .where(Department.kind.in_(FUND_KINDS)).order_by(Department.id)).all()
    region_names = dict(session.execute(select(Region.code, Region.name)).all())
    fund_id = next_id(session=session, model=SpecialFund)
    created = f"{today.isoformat()} 00:00:00{'+00' if conn.dialect.name == 'postgresql' else '.000000'}"
    funds, pays = [], []
    n_pay = 0
    planted = {k: rule for rule, k in PLANTED_FUNDS.items()}
    dept_for_plant = {k: depts[(k * 7) % len(depts)] for k in planted} if depts else {}
    specs = [(d, j, None) for d in depts for j in range(FUNDS_PER_DEPT[scale])]
    specs += [(dept_for_plant[k], 900 + k, planted[k]) for k in sorted(planted)]
    for dept, j, rule in specs:
        fund_id += 1
        if rule == "FD-Y2":
            allocated = today - timedelta(days=245)
        elif rule == "FD-Y3":
            allocated = date(today.year - 1, 3, 1)
        else:
            allocated = today - timedelta(days=rand_int(rng, 20, 330))
        threshold = rng.choice([50_000.0, 100_000.0, 200_000.0])
        budget = (20 if rule else round(rng.uniform(*BUDGET_SHARES[scale]))) * threshold
        code = f"ZX-{dept.code}-{allocated.year}-{j:03d}"
        name = f"{allocated.year}年{FUND_NAMES[dept.kind]}"
        funds.append((fund_id, code, name, dept.id, dept.region_code, allocated.year, budget,
                      f"用于{name.removeprefix(str(allocated.year) + '年')}项目支出", allocated,
                      threshold, created))
        rows = _payments(rng, dept.region_code, region_names.get(dept.region_code, ""), fund_id,
                         code, allocated, today, budget, threshold, rule)
        pays += rows
        if len(pays) >= CHUNK:
            write(conn, SpecialFund.__table__, FUND_COLUMNS, funds)
            write(conn, FundPayment.__table__, PAY_COLUMNS, pays)
            n_pay += len(pays)
            funds, pays = [], []
    write(conn, SpecialFund.__table__, FUND_COLUMNS, funds)
    write(conn, FundPayment.__table__, PAY_COLUMNS, pays)
    return len(specs), n_pay + len(pays)


def _payments(rng: random.Random, region: str, region_name: str, fund_id: int, code: str,
              allocated: date, today: date, budget: float, threshold: float,
              rule: str | None) -> list[tuple]:
    days = (today - allocated).days
    start = allocated if rule != "FD-Y3" else date(allocated.year + 1, 1, 5)
    days = (today - start).days
    if rule == "FD-Y2":
        share = 0.10
    elif rule is not None:
        share = 0.5
    elif days >= 170:
        share = rng.uniform(0.45, 0.9)
    else:
        share = rng.uniform(0.0, 0.9) * days / 183
    target = budget * share
    recipients = [(f"{region_name}{TRADE_NAMES[i]}{rng.choice(RECIPIENTS)}", _uscc(rng, region))
                  for i in range(len(TRADE_NAMES))]
    out: list[tuple] = []
    paid = 0.0
    seen: set[tuple[str, float]] = set()
    voucher = 0
    while paid < target:
        amount = round(rng.uniform(0.05, 0.8) * threshold, 2)
        if paid + amount > target:
            break
        name, uscc = recipients[int(rng.random() * len(recipients))]
        if (uscc, amount) in seen:
            continue
        seen.add((uscc, amount))
        paid += amount
        paid_on = start + timedelta(days=rand_int(rng, 7, max(7, days - 1)))
        if paid_on > today:
            paid_on = today
        voucher += 1
        out.append([fund_id, name, uscc, amount, paid_on, f"{code}-{voucher:04d}"])
    # keep December ≤ 35 % of each year's payments (FD-Y3 is planted, not accidental)
    by_year: dict[int, list] = defaultdict(list)
    for row in out:
        by_year[row[4].year].append(row)
    for rows in by_year.values():
        total = sum(r[3] for r in rows)
        dec = [r for r in rows if r[4].month == 12]
        while dec and sum(r[3] for r in dec) > 0.35 * total:
            r = dec.pop()
            r[4] = r[4].replace(day=min(r[4].day, 30), month=11)
    name, uscc = recipients[0]
    if rule == "FD-R1":
        extra = budget * 1.12 - paid
        while extra >= 1.0:  # whole yuan: rounding can never leave a remainder that loops
            voucher += 1
            amount = float(min(int(extra), int(0.6 * threshold) + voucher))
            extra -= amount
            out.append([fund_id, name, uscc, amount, today - timedelta(days=voucher % 20 + 1),
                        f"{code}-{voucher:04d}"])
    elif rule == "FD-R2":
        for d in (20, 11):
            voucher += 1
            out.append([fund_id, name, uscc, 0.777 * threshold, today - timedelta(days=d),
                        f"{code}-{voucher:04d}"])
    elif rule == "FD-Y1":
        for d, s in ((30, 0.88), (22, 0.97), (10, 0.91)):
            voucher += 1
            out.append([fund_id, name, uscc, round(s * threshold, 2), today - timedelta(days=d),
                        f"{code}-{voucher:04d}"])
    elif rule == "FD-Y3":
        year = allocated.year
        for month, s in ((4, 0.1), (7, 0.15), (9, 0.15), (12, 0.3), (12, 0.3)):
            voucher += 1
            out.append([fund_id, recipients[month % 12][0], recipients[month % 12][1],
                        round(s * 0.5 * threshold + voucher, 2), date(year, month, 10 + voucher % 10),
                        f"{code}-{voucher:04d}"])
    return [tuple(r) for r in out]
