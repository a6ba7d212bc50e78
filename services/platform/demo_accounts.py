"""The demo accounts, one per role and level (password `DEMO_PASSWORD`): the demo seed creates
them and the login page lists them in demo mode, so they live apart from the seed."""

from __future__ import annotations

# (username, display name, roles, region code, department kind or None)
DEMO_USERS: list[tuple[str, str, str, str, str | None]] = [
    ("admin", "系统管理员", "admin", "210000", None),
    ("prov_leader", "省领导（演示）", "leader", "210000", None),
    ("prov_supervisor", "省纪委监委监督员", "supervisor", "210000", None),
    ("prov_evaluator", "省考评员", "evaluator", "210000", None),
    ("prov_data", "省财政厅数据专员", "data_officer", "210000", "cz"),
    ("city_leader", "沈阳市领导（演示）", "leader", "210100", None),
    ("city_supervisor", "沈阳市纪委监委监督员", "supervisor", "210100", None),
    ("city_evaluator", "沈阳市考评员", "evaluator", "210100", None),
    ("city_data", "沈阳市住建局数据专员", "data_officer", "210100", "zjj"),
    ("county_leader", "和平区领导（演示）", "leader", "210102", None),
    ("county_supervisor", "和平区纪委监委监督员", "supervisor", "210102", None),
    ("county_evaluator", "和平区考评员", "evaluator", "210102", None),
    ("county_data", "和平区市场监管局数据专员", "data_officer", "210102", "scjg"),
    ("county2_data", "沈河区市场监管局数据专员", "data_officer", "210103", "scjg"),
]
