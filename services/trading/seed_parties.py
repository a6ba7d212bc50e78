"""The demo pool of companies for S2: real-looking 统一社会信用代码 (valid GB 32100-2015 check
characters), unique names, legal representatives, addresses, telephones, bond accounts, agents
and project managers, so that no two companies share anything by accident (every sharing in the
demo is planted). S4's special-fund recipients with a valid code join the pool, so the party
page can show the payments a company received."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models.esupervision import FundPayment
from models.trading import USCC_CHARS, is_valid_uscc, uscc_check_char

SURNAMES = "".join(dict.fromkeys("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"))
GIVEN = "".join(dict.fromkeys("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海波宁辉鹏飞斌宇浩凯健俊帆帅旭然博文春秋冬雪松柏林森晨晓光荣庆福禄寿喜德才智勤"))
WORDS = ("宏达", "盛世", "华泰", "中联", "恒信", "东方", "远大", "金桥", "瑞丰", "鼎盛", "嘉禾", "新城",
         "兴业", "永安", "天成", "广厦", "汇通", "诚信", "北方", "辽河", "渤海", "长白", "万通", "昌盛")
TRADES = ("建设工程", "建筑安装", "市政工程", "路桥工程", "水利工程", "装饰工程", "信息技术", "医疗器械",
          "办公设备", "环保科技", "物业服务", "工程咨询", "置业", "矿业", "投资")
STREETS = ("中山路", "青年大街", "北京街", "长江路", "黄河大街", "人民路", "胜利大街", "解放路", "建设大路")


MAX_COMPANIES = 40_000
PLANTED_PERSON = 7 * MAX_COMPANIES  # names of the planted pairs start here


@dataclass(frozen=True)
class Company:
    index: int
    uscc: str
    name: str
    legal_representative: str
    address: str
    telephone: str
    region_code: str
    bond_account: str
    controller_uscc: str | None = None

    # legal representatives are person(index); agents and project managers live in their own
    # ranges, so no name is shared by accident (capacity: MAX_COMPANIES companies)
    def agent(self, k: int = 0) -> str:
        return person(MAX_COMPANIES + 3 * self.index + k % 3)

    def project_manager(self, k: int = 0) -> str:
        return person(4 * MAX_COMPANIES + 3 * self.index + k % 3)


def person(i: int) -> str:
    """A distinct Chinese name for every i below len(SURNAMES)·len(GIVEN)² (> 400 000)."""
    n = len(GIVEN)
    s, rest = divmod(i, n * n)
    a, b = divmod(rest, n)
    return SURNAMES[s % len(SURNAMES)] + GIVEN[a] + GIVEN[b]


def make_uscc(rng: random.Random, region: str) -> str:
    body = "91" + region + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return body + uscc_check_char(body)


def company_pool(session: Session, rng: random.Random, regions: list[tuple[str, str]],
                 per_region: int) -> list[Company]:
    """`per_region` companies registered in each (code, name) region, plus S4's recipients."""
    seen: set[str] = set()
    names: set[str] = set()
    out: list[Company] = []

    def add(uscc: str, name: str, region: str) -> None:
        i = len(out)
        seen.add(uscc)
        names.add(name)
        street = STREETS[i % len(STREETS)]
        out.append(Company(i, uscc, name, person(i), f"{region_name.get(region, '')}{street}{i + 1}号",
                           f"024-{80_000_000 + i}", region, f"6222 0210 {i:08d}"))

    region_name = dict(regions)
    recipients = session.execute(select(FundPayment.recipient_uscc, FundPayment.recipient_name)
                                 .distinct().order_by(FundPayment.recipient_uscc)).all()
    for uscc, name in recipients:
        region = uscc[2:8]
        if is_valid_uscc(uscc) and uscc not in seen and name not in names and region in region_name:
            add(uscc, name, region)
    for code, rname in regions:
        for k in range(per_region):
            uscc = make_uscc(rng, code)
            while uscc in seen:
                uscc = make_uscc(rng, code)
            base = f"{rname.removesuffix('市')}{WORDS[k % len(WORDS)]}{TRADES[(k // len(WORDS) + k) % len(TRADES)]}有限公司"
            name = base if base not in names else base.replace("有限公司", f"第{k + 1}有限公司")
            add(uscc, name, code)
    return out
