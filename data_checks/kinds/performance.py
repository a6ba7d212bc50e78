"""Upload kinds of S3 (行政绩效管理): the indicator tree (into the draft version) and the
evaluators' manual scores.

A tree upload writes nodes of a draft version only (an active or retired version is what
periods were scored with); whether the weights add up is checked on the whole tree when the
admin activates the draft (services.performance.tree.activate_draft), in plain words. A manual
score names its period, department and indicator by code; 定性 grades need their
justification (evidence)."""

from __future__ import annotations

import polars as pl

from data_checks.kinds import Column, CrossCheck, Reference, UploadKind
from models.base import utcnow
from models.performance import GRADES, KINDS, METHODS, MISSING_RULES, SOURCES

ADMINS = frozenset({"admin"})
SCORERS = frozenset({"admin", "evaluator"})
CODE = r"[A-Za-z0-9_.-]{1,32}"


def _choices(values: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {v: (v,) for v in values}


INDICATORS = UploadKind(
    key="perf_indicators", title_key="performance.upload.indicators", table="perf_indicator",
    natural_key=("version_no", "code"), roles=ADMINS,
    columns=(
        Column("version_no", "版本号", "Version", type="int", required=True, min_value=1,
               help_zh="草稿版本的版本号", example="2"),
        Column("code", "指标编码", "Code", required=True, pattern=CODE, example="A11"),
        Column("parent_code", "上级编码", "Parent code", pattern=CODE, example="A1"),
        Column("name_zh", "指标名称", "Name (zh)", required=True, max_length=100,
               example="审批事项按时办结率"),
        Column("name_en", "英文名称", "Name (en)", default="", example="On-time approvals"),
        Column("weight", "分值", "Weight", type="float", required=True, min_value=0,
               max_value=100, example="8"),
        Column("seq", "排序", "Order", type="int", default=0, example="1"),
        Column("kind", "类型", "Kind", default="score", choices=_choices(KINDS), example="score"),
        Column("method", "计分方法", "Method", choices=_choices(METHODS), example="band"),
        Column("higher_is_better", "越高越好", "Higher is better", type="bool", default=True,
               example="是"),
        Column("params", "参数", "Parameters", default="{}", max_length=1000,
               help_zh='JSON，如 {"floor": 0.8, "target": 0.98}', example='{"floor": 0.8, "target": 0.98}'),
        Column("source", "数据来源", "Source", default="auto", choices=_choices(SOURCES),
               example="auto"),
        Column("metric_key", "自动指标", "Metric", max_length=64,
               example="esupervision.on_time_rate"),
        Column("missing_rule", "缺数规则", "Missing rule", default="zero",
               choices=_choices(MISSING_RULES), example="exclude"),
        Column("definition", "指标说明", "Definition", default="", max_length=500, example=""),
    ),
    references=(Reference("version_no", "perf_tree_version", "no",
                          fetch={"id": "version_id", "status": "_version_status"}),),
    checks=(CrossCheck("params", ~pl.col("params").str.contains(r"^\s*\{.*\}\s*$"),
                       "performance.upload.err_params"),),
    post_checks=(CrossCheck("version_no", pl.col("_version_status") != "draft",
                            "performance.upload.err_not_draft"),),
)

def _needs_review(frame: pl.DataFrame) -> pl.DataFrame:
    """An uploaded score, new or corrected, waits for the second evaluator again."""
    return frame.with_columns(pl.lit("entered").alias("status"),
                              pl.lit(None, pl.String).alias("reviewer"),
                              pl.lit(None, pl.Datetime("us", "UTC")).alias("reviewed_at"),
                              pl.lit(utcnow()).alias("updated_at"))


MANUAL_SCORES = UploadKind(
    key="perf_manual_scores", title_key="performance.upload.manual", table="perf_manual_score",
    natural_key=("period_code", "department_code", "indicator_code"), roles=SCORERS,
    columns=(
        Column("period_code", "考评周期", "Period", required=True, example="2026Q4"),
        Column("department_code", "部门代码", "Department code", required=True,
               pattern=r"\d{9}", example="210000001"),
        Column("indicator_code", "指标编码", "Indicator code", required=True, pattern=CODE,
               example="C23"),
        Column("value", "实际值", "Value", type="float", example="0.92"),
        Column("grade", "等次", "Grade", choices=_choices(GRADES), example=""),
        Column("evidence", "评分依据", "Evidence", default="", max_length=2000,
               example="抽查执法案卷50卷，46卷合格"),
        Column("comment", "备注", "Comment", default="", max_length=1000, example=""),
        Column("evaluator", "考评人", "Evaluator", required=True, max_length=64,
               example="city_evaluator"),
    ),
    references=(
        Reference("period_code", "perf_period", "code",
                  fetch={"id": "period_id", "status": "_period_status"}),
        Reference("department_code", "department", "code",
                  fetch={"id": "department_id", "region_code": "region_code"},
                  scope_column="region_code"),
        Reference("indicator_code", "perf_indicator", "code"),
    ),
    checks=(
        CrossCheck("value", pl.col("value").is_null() & pl.col("grade").is_null(),
                   "performance.upload.err_value_or_grade"),
        CrossCheck("evidence", pl.col("grade").is_not_null()
                   & (pl.col("evidence").fill_null("").str.strip_chars() == ""),
                   "performance.upload.err_evidence"),
    ),
    post_checks=(CrossCheck("period_code", pl.col("_period_status") == "closed",
                            "performance.upload.err_period_closed"),),
    derive=_needs_review, derived=("status", "reviewer", "reviewed_at", "updated_at"),
)

KINDS = (INDICATORS, MANUAL_SCORES)
