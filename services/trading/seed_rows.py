"""Row builders of the S2 demo: one clean process with its items, bids, award, contract and
amendment, as tuples in the column order of `COLUMNS`, with explicit ids.

Clean by construction (no law rule fires): tenders have ≥ 3 tenderers and at least the
method's statutory period; every bid arrives before the deadline, within the maximum price;
the winner is the lowest valid bid (the highest in a sale) and no disqualified bid is lower;
at least two valid bids remain; contracts are signed ≤ 25 days after the award; amendments add
≤ 9 %; works amounts stay clear of the band just below the mandatory-tendering thresholds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from services.trading.seed_parties import Company

COLUMNS = {
    "trade_process": ["id", "ocid", "domain", "title", "department_id", "region_code",
                      "agency_uscc", "agency_name", "method", "method_details", "award_criteria",
                      "main_category", "budget", "max_price", "currency", "tender_start",
                      "tender_end", "status", "retender_of", "published_at", "created_at"],
    "trade_item": ["id", "process_id", "item_no", "description", "classification_scheme",
                   "classification_id", "quantity", "unit"],
    "trade_bid": ["id", "process_id", "bid_no", "tenderer_uscc", "amount", "received_at",
                  "status", "bond_account", "bond_payer", "bond_amount", "agent_name",
                  "project_manager"],
    "trade_award": ["id", "process_id", "award_no", "supplier_uscc", "amount", "award_date",
                    "status"],
    "trade_contract": ["id", "process_id", "contract_no", "award_no", "supplier_uscc", "amount",
                       "date_signed", "status"],
    "trade_amendment": ["id", "contract_id", "amendment_no", "amended_at", "amount_after",
                        "rationale"],
}
MIN_DAYS = {"公开招标": 20, "邀请招标": 20, "竞争性磋商": 10, "竞争性谈判": 3, "询价": 3, "单一来源": 3,
            "挂牌": 10, "拍卖": 20}
METHOD_OF = {"公开招标": "open", "挂牌": "open", "拍卖": "open", "邀请招标": "selective",
             "竞争性谈判": "selective", "竞争性磋商": "selective", "询价": "selective",
             "单一来源": "direct"}
DOMAINS = (("works", 35), ("procurement", 40), ("land", 10), ("mining", 3),
           ("state_property", 8), ("collective_property", 4))
METHODS = {"works": (("公开招标", 80), ("邀请招标", 10), ("竞争性谈判", 10)),
           "procurement": (("公开招标", 40), ("竞争性磋商", 25), ("竞争性谈判", 10), ("询价", 15),
                           ("单一来源", 10)),
           "land": (("挂牌", 70), ("拍卖", 30)), "mining": (("挂牌", 50), ("拍卖", 50)),
           "state_property": (("挂牌", 80), ("拍卖", 20)),
           "collective_property": (("挂牌", 80), ("拍卖", 20))}
BUYER_KIND = {"works": ("zjj", "jtys", "sl"), "procurement": ("cz", "wsjk", "jy", "rlsb", "scjg"),
              "land": ("zrzy",), "mining": ("zrzy",), "state_property": ("cz",),
              "collective_property": ("nyncj",)}
BUDGET = {"works": (500_000, 50_000_000), "procurement": (100_000, 5_000_000),
          "land": (5_000_000, 300_000_000), "mining": (1_000_000, 50_000_000),
          "state_property": (500_000, 20_000_000), "collective_property": (200_000, 5_000_000)}
# budgets whose bids could land just below a mandatory-tendering threshold (TR-R8) are avoided
AVOID = {"works": (3_200_000, 5_100_000), "goods": (1_600_000, 2_600_000),
         "services": (800_000, 1_300_000)}
TITLES = {"works": ("道路改造工程施工", "老旧小区改造工程", "排水管网工程", "学校教学楼建设工程", "河道治理工程"),
          "procurement": ("办公设备采购", "医疗设备采购", "信息化系统建设", "物业管理服务", "车辆采购"),
          "land": ("国有建设用地使用权挂牌出让", "商住用地使用权出让"), "mining": ("采矿权出让", "探矿权出让"),
          "state_property": ("国有股权转让", "国有资产房产租赁权"), "collective_property": ("集体土地经营权流转", "集体资产出租")}
CLASSES = {"works": ("CPV", ("45233140", "45214200", "45232400", "45246000")),
           "goods": ("CPV", ("30213000", "33100000", "34110000", "48000000")),
           "services": ("CPV", ("79993000", "72000000", "90910000", "71300000")),
           "land": ("CN-GB21010", ("0701", "0501", "0601")), "mining": ("CN-MINERAL", ("11", "31")),
           "property": ("CN-PROPERTY", ("ST", "RE"))}
SALES = ("land", "mining", "state_property", "collective_property")
CHINA = timedelta(hours=8)


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time on `day` as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - CHINA


def cents(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


@dataclass
class Ids:
    process: int = 0
    item: int = 0
    bid: int = 0
    award: int = 0
    contract: int = 0
    amendment: int = 0

    def next(self, name: str) -> int:
        setattr(self, name, getattr(self, name) + 1)
        return getattr(self, name)


@dataclass
class Rows:
    tables: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})

    def add(self, table: str, row: tuple) -> None:
        self.tables[table].append(row)

    def count(self) -> dict[str, int]:
        return {t: len(r) for t, r in self.tables.items()}


@dataclass
class Spec:
    """What the caller decides about one process; planted violations change these."""
    ocid: str
    domain: str
    method_details: str
    department_id: int
    region_code: str
    start: date
    bidders: list[Company]
    agency: Company | None = None
    title: str = ""
    category: str | None = None
    budget: Decimal | None = None
    period_days: int | None = None


def build_process(rows: Rows, ids: Ids, rng: random.Random, spec: Spec, today: date,
                  created: datetime) -> dict:
    """Writes the process and everything under it; returns what planted variants need."""
    sale = spec.domain in SALES
    category = spec.category or (None if sale else ("works" if spec.domain == "works" and rng.random() < 0.85
                                                    else rng.choice(("goods", "services"))))
    budget = spec.budget or _budget(rng, spec.domain, category)
    max_price = budget if sale else (budget * Decimal("0.97")).quantize(Decimal("100"))
    days = spec.period_days if spec.period_days is not None else MIN_DAYS[spec.method_details] + rng.randint(0, 8)
    start, end = at(spec.start, 9), at(spec.start + timedelta(days=days), 9, 30)
    pid = ids.next("process")
    award_day = (spec.start + timedelta(days=days + rng.randint(3, 12)))
    awarded = award_day <= today
    amounts = sorted((cents(float(max_price) * rng.uniform(1.0, 1.5)) if sale
                      else cents(float(max_price) * rng.uniform(0.82, 0.995))) for _ in spec.bidders)
    order = list(spec.bidders)
    rng.shuffle(order)
    winner_at = len(amounts) - 1 if sale else 0
    disq = {i for i in range(len(amounts)) if i not in (winner_at, 1 if not sale else len(amounts) - 2)
            and rng.random() < 0.08}
    bids = []
    now = at(today, 12)  # the register as of noon today (deterministic for the day)
    for i, (company, amount) in enumerate(zip(order, amounts, strict=True)):
        status = "disqualified" if i in disq else ("valid" if awarded else "pending")
        received = end - timedelta(minutes=rng.randint(60, 5 * 24 * 60))
        if end > now:  # before 开标 the bids stay sealed on the e-bidding system: none in the register
            continue
        bond = min(budget * Decimal("0.02"), Decimal("800000")).quantize(Decimal("1"))
        bid = [ids.next("bid"), pid, str(i + 1), company.uscc, amount, received, status,
               company.bond_account, company.name, bond, company.agent(pid),
               company.project_manager(pid) if spec.domain == "works" else None]
        bids.append(bid)
    title = spec.title or f"{rng.choice(TITLES[spec.domain])}"
    status = "complete" if awarded else "active"
    rows.add("trade_process", (pid, spec.ocid, spec.domain, title, spec.department_id,
                               spec.region_code, spec.agency.uscc if spec.agency else None,
                               spec.agency.name if spec.agency else None,
                               METHOD_OF[spec.method_details], spec.method_details,
                               "priceOnly", category, budget, max_price, "CNY", start, end,
                               status, None, start, created))
    scheme, codes = CLASSES["property" if spec.domain.endswith("property") else
                            (spec.domain if sale else category)]
    for k in range(1 + rng.randint(0, 1)):
        rows.add("trade_item", (ids.next("item"), pid, str(k + 1), title, scheme,
                                rng.choice(codes), Decimal("1.00"), "项"))
    out = {"process_id": pid, "bids": bids, "end": end, "budget": budget, "max_price": max_price,
           "award_day": award_day, "awarded": awarded, "winner": order[winner_at] if order else None,
           "amount": amounts[winner_at] if amounts else None,
           "companies": {c.uscc: c for c in order}}
    return out


def finish(rows: Rows, ids: Ids, rng: random.Random, built: dict, spec: Spec, today: date,
           *, sign_after: int | None = None, amend: Decimal | None = None) -> None:
    """Write the bids, the award and the contract of a built process."""
    for bid in built["bids"]:
        rows.add("trade_bid", tuple(bid))
    if not built["awarded"] or built["winner"] is None:
        return
    pid, winner, amount = built["process_id"], built["winner"], built["amount"]
    rows.add("trade_award", (ids.next("award"), pid, "1", winner.uscc, amount,
                             at(built["award_day"], 10), "active"))
    signed = built["award_day"] + timedelta(days=sign_after if sign_after is not None
                                            else rng.randint(3, 25))
    if signed > today:
        return
    cid = ids.next("contract")
    rows.add("trade_contract", (cid, pid, f"HT-{pid}", "1", winner.uscc, amount, at(signed, 15),
                                "active"))
    if amend is None and spec.domain == "procurement" and rng.random() < 0.05:
        amend = Decimal(str(round(rng.uniform(1.02, 1.09), 4)))
    if amend is not None and signed + timedelta(days=30) <= today:
        rows.add("trade_amendment", (ids.next("amendment"), cid, "1",
                                     at(signed + timedelta(days=30), 10),
                                     (amount * amend).quantize(Decimal("0.01")), "增加采购数量"))


def _budget(rng: random.Random, domain: str, category: str | None) -> Decimal:
    lo, hi = BUDGET[domain]
    while True:
        value = Decimal(int(rng.uniform(lo, hi) / 1000) * 1000)
        band = AVOID.get(category or "") if domain == "works" else None
        if band is None or not band[0] <= value <= band[1]:
            return value
