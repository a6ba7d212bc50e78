"""Upload kinds of S5 (民意诉求反馈): the dispatch catalog — each complaint category, the kind
of department that answers it and its limits in working days (sign-for and reply, normal and
urgent; call-back). Admins maintain it; a changed limit applies to tickets dispatched after
the change (deadlines already set stay as they were promised).

Tickets themselves come in through the operators' entry form (pages/feedback/intake.py), the
public form, Open311 and `manage.py feedback-import`: each one needs a number, a hashed and
encrypted contact and its first timeline event, which the plain upsert of this pipeline does
not give."""

from __future__ import annotations

import polars as pl

from data_checks.kinds import Column, CrossCheck, UploadKind

ADMINS = frozenset({"admin"})

CATEGORIES = UploadKind(
    key="feedback_categories",
    title_key="feedback.upload.categories",
    table="fb_category",
    natural_key=("code",),
    roles=ADMINS,
    columns=(
        Column("code", "类别代码", "Category code", required=True, pattern=r"[A-Z0-9]{2,16}",
               example="WY01", help_zh="也是 Open311 的 service_code", help_en="also the Open311 service_code"),
        Column("name", "类别名称", "Name", required=True, max_length=64, example="物业服务"),
        Column("department_kind", "承办部门类型", "Department kind", required=True,
               pattern=r"[a-z]{2,16}", example="zjj",
               help_zh="部门的 kind，如 zjj 住建、scjg 市场监管", help_en="a department kind, e.g. zjj, scjg"),
        Column("description", "说明", "Description", max_length=500, default="", example="电梯、收费、维修"),
        Column("sign_days", "签收时限", "Sign-for limit", type="int", required=True, min_value=0,
               max_value=30, example="1", help_zh="工作日", help_en="working days"),
        Column("reply_days", "答复时限", "Reply limit", type="int", required=True, min_value=1,
               max_value=120, example="10"),
        Column("urgent_sign_days", "紧急签收时限", "Urgent sign-for limit", type="int", required=True,
               min_value=0, max_value=30, example="0"),
        Column("urgent_reply_days", "紧急答复时限", "Urgent reply limit", type="int", required=True,
               min_value=1, max_value=120, example="3"),
        Column("visit_days", "回访时限", "Call-back limit", type="int", required=True, min_value=1,
               max_value=60, example="3"),
        Column("active", "启用", "Active", type="bool", default=True, example="是"),
    ),
    checks=(
        CrossCheck("urgent_reply_days", pl.col("urgent_reply_days") > pl.col("reply_days"),
                   "feedback.upload.err_limit"),
        CrossCheck("urgent_sign_days", pl.col("urgent_sign_days") > pl.col("sign_days"),
                   "feedback.upload.err_limit"),
    ),
)

KINDS = (CATEGORIES,)
