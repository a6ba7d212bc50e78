"""Reference organisation that production code and the demo seed share: the standing
departments of every government level, the region and department rows of the province
(`services.platform.liaoning` holds its real codes), and `load_reference_org`, the production
start (`manage.py init-org`)."""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import Session

from models.org import Department, Region
from services.platform import audit
from services.platform.liaoning import CITIES, PROVINCE

SMALL_COUNTIES_PER_CITY = 2

# kind, sequence number in the department code, name at province / city / county level.
DEPARTMENT_KINDS: list[tuple[str, int, str, str, str]] = [
    ("fgw", 1, "发展和改革委员会", "发展和改革委员会", "发展和改革局"),
    ("zrzy", 2, "自然资源厅", "自然资源局", "自然资源局"),
    ("zjj", 3, "住房和城乡建设厅", "住房和城乡建设局", "住房和城乡建设局"),
    ("scjg", 4, "市场监督管理局", "市场监督管理局", "市场监督管理局"),
    ("cz", 5, "财政厅", "财政局", "财政局"),
    ("sthj", 6, "生态环境厅", "生态环境局", "生态环境分局"),
    ("jtys", 7, "交通运输厅", "交通运输局", "交通运输局"),
    ("sl", 8, "水利厅", "水利局", "水利局"),
    ("wsjk", 9, "卫生健康委员会", "卫生健康委员会", "卫生健康局"),
    ("jy", 10, "教育厅", "教育局", "教育局"),
    ("rlsb", 11, "人力资源和社会保障厅", "人力资源和社会保障局", "人力资源和社会保障局"),
    ("nyncj", 12, "农业农村厅", "农业农村局", "农业农村局"),
]


def department_code(region_code: str, seq: int) -> str:
    return f"{region_code}{seq:03d}"


def region_rows(scale: str) -> list[dict]:
    prov_code, prov_name = PROVINCE
    rows = [dict(code=prov_code, name=prov_name, level="province", parent_code=None,
                 path=f"{prov_code}/")]
    for city_code, city_name, counties in CITIES:
        rows.append(dict(code=city_code, name=city_name, level="city", parent_code=prov_code,
                         path=f"{prov_code}/{city_code}/"))
        chosen = counties if scale == "province" else counties[:SMALL_COUNTIES_PER_CITY]
        rows += [dict(code=c, name=n, level="county", parent_code=city_code,
                      path=f"{prov_code}/{city_code}/{c}/") for c, n in chosen]
    return rows


def department_rows(regions: list[dict]) -> list[dict]:
    rows = []
    for r in regions:
        for kind, seq, prov_name, city_name, county_name in DEPARTMENT_KINDS:
            suffix = {"province": prov_name, "city": city_name, "county": county_name}[r["level"]]
            rows.append(dict(code=department_code(r["code"], seq), name=f"{r['name']}{suffix}",
                             region_code=r["code"], kind=kind, active=True))
    return rows


def load_reference_org(*, session: Session) -> dict[str, int]:
    """Production start: every real region of the province and its standard departments,
    no users (create the first admin with `manage.py create-user`)."""
    regions = region_rows("province")
    session.execute(insert(Region), regions)
    departments = department_rows(regions)
    session.execute(insert(Department), departments)
    audit.record(session, actor="cli", action="seed.reference_org", entity_type="region",
                 entity_id=PROVINCE[0], after={"regions": len(regions), "departments": len(departments)})
    return {"regions": len(regions), "departments": len(departments)}
