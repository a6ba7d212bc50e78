"""Upload kinds of S5 (民意诉求反馈): the dispatch catalog — each complaint category, the kind
of department that answers it and its limits in working days (sign-for and reply, normal and
urgent; call-back). Admins maintain it; a changed limit applies to tickets dispatched after
the change (deadlines already set stay as they were promised).

Tickets also come in as a file from the hotline desk (an export of the 12345 or 民心网 system):
each row is one ticket under the sending system's number, registered once (受理) through the
same service as the operators' entry form, so it gets a platform number, a hashed and
encrypted contact and its first timeline event (the kind's `writer`). A ticket already
registered is reported unchanged; its content, category, region and time of receipt cannot be
changed by upload (the loop moves a ticket, not a file)."""

from __future__ import annotations

import polars as pl

from data_checks.cells import shanghai_timestamp
from data_checks.kinds import Column, CrossCheck, Reference, UploadKind

ADMINS = frozenset({"admin"})
DESK = frozenset({"admin", "data_officer"})
CONTENT_MIN = 5  # as models.feedback.TicketCreate

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

CHANNEL_CHOICES = {
    "minxin": ("民心网", "minxin"), "hotline": ("行风热线", "hotline"),
    "12345": ("12345热线", "12345", "12345"), "letter": ("来信", "letter"),
    "visit": ("来访", "visit"),
}
URGENCY_CHOICES = {"normal": ("一般", "normal"), "urgent": ("紧急", "urgent")}


def _received(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(shanghai_timestamp("received_on", "received_time", "received_at"))


TICKETS = UploadKind(
    key="feedback_tickets",
    title_key="feedback.upload.tickets",
    table="fb_ticket",
    natural_key=("channel", "source_no"),
    roles=DESK,
    desk_only=True,
    writer="services.feedback.upload:write_tickets",
    scope_field="region_code",
    columns=(
        Column("channel", "渠道", "Channel", required=True, choices=CHANNEL_CHOICES, example="12345热线"),
        Column("source_no", "来源编号", "Source no.", required=True, pattern=r"[A-Za-z0-9_-]{1,64}",
               example="GD2026110200017", help_zh="来源系统的工单号，同一渠道内唯一",
               help_en="the sending system's number, unique per channel"),
        Column("received_on", "受理日期", "Received on", type="date", required=True, write=False,
               example="2026-11-02"),
        Column("received_time", "受理时间", "Received at", type="time", write=False, example="09:30",
               help_zh="时:分（北京时间），可留空", help_en="HH:MM (Beijing time), may be empty"),
        Column("category_code", "诉求类别代码", "Category code", required=True,
               pattern=r"[A-Z0-9]{2,16}", example="ZJ01"),
        Column("urgency", "紧急程度", "Urgency", choices=URGENCY_CHOICES, default="normal",
               example="一般"),
        Column("region_code", "所属区划代码", "Region code", required=True, pattern=r"\d{6}",
               example="210102"),
        Column("address", "地址", "Address", max_length=200, default="", example="和平区中山路1号"),
        Column("content", "诉求内容", "Content", required=True, max_length=4000,
               example="小区电梯长期故障无人维修"),
        Column("contact", "联系电话", "Contact", write=False, max_length=32, default="",
               example="13812345678", help_zh="加密保存，页面只显示掩码",
               help_en="stored encrypted; pages show a mask"),
        Column("published", "同意公开", "Publish", type="bool", default=True, example="是"),
    ),
    references=(
        Reference("category_code", "fb_category", "code", fetch={"active": "_category_active"}),
        Reference("region_code", "region", "code"),
    ),
    checks=(
        CrossCheck("content", pl.col("content").str.len_chars() < CONTENT_MIN,
                   "feedback.upload.err_content_short", params={"min": CONTENT_MIN}),
    ),
    post_checks=(
        CrossCheck("category_code", ~pl.col("_category_active").fill_null(False),
                   "feedback.upload.err_category_inactive"),
    ),
    derive=_received, derived=("received_at",),
    fixed=("category_code", "region_code", "content", "received_at", "urgency", "address",
           "published"),
)

KINDS = (CATEGORIES, TICKETS)
