"""A power's flow chart (运行流程图) as Graphviz DOT source. Pure: frames in, text out.

Kept apart from the flow's validation (`flowchart`): drawing is for people, validation for rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

LEVEL_COLOURS: dict[str, str] = {"高": "#e53935", "中": "#fb8c00", "低": "#fff176"}
LEVEL_ORDER: dict[str, int] = {"高": 3, "中": 2, "低": 1}


def dot_escape(text: object) -> str:
    """Text safe inside a double-quoted DOT string: backslashes and quotes escaped, line
    breaks flattened (we add our own `\\n` separators)."""
    s = "" if text is None else str(text)
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    return s.replace("\r", " ").replace("\n", " ")


def flow_dot(steps: pl.DataFrame, edges: pl.DataFrame, risks: pl.DataFrame | None = None,
             *, labels: Mapping[str, str] | None = None,
             colours: Mapping[str, str] = LEVEL_COLOURS) -> str:
    """DOT source of one flow: steps as boxes (post and limit on a second line), supervision
    points with a double border, discretionary steps dashed, the highest risk level of a step
    as its fill colour with the levels listed, and edge conditions as edge labels.

    `labels` holds the words to use ("days": "{n}个工作日", "risk": "风险", "level:高": "High",
    ...: a stored level is shown as its `level:<level>` word when given)."""
    words = {"days": "{n} d", "risk": "risk", "supervision": "supervision point"} | dict(labels or {})
    worst: dict[int, list[str]] = {}
    if risks is not None and not risks.is_empty():
        for row in risks.filter(pl.col("step_seq").is_not_null()).iter_rows(named=True):
            worst.setdefault(int(row["step_seq"]), []).append(row["level"])
    lines = ["digraph flow {", '  rankdir="TB";',
             '  node [shape="box", style="rounded,filled", fillcolor="#ffffff", '
             'fontname="Noto Sans CJK SC"];',
             '  edge [fontname="Noto Sans CJK SC", fontsize="10"];']
    for row in steps.sort("seq").iter_rows(named=True):
        seq = int(row["seq"])
        parts = [f"{seq}. {dot_escape(row.get('name'))}"]
        detail = [dot_escape(row.get("post") or "")]
        if row.get("limit_days") is not None:
            detail.append(dot_escape(words["days"].format(n=row["limit_days"])))
        if any(detail):
            parts.append(" · ".join(d for d in detail if d))
        levels = sorted(set(worst.get(seq, [])), key=lambda lv: -LEVEL_ORDER.get(lv, 0))
        attrs = []
        if levels:
            named = "、".join(words.get(f"level:{lv}", lv) for lv in levels)
            parts.append(dot_escape(f"{words['risk']}：{named}"))
            attrs.append(f'fillcolor="{colours.get(levels[0], "#ffffff")}"')
        if row.get("supervision_point"):
            attrs.append('peripheries="2"')
        if row.get("discretionary"):
            attrs.append('style="rounded,filled,dashed"')
        label = "\\n".join(parts)
        lines.append(f'  s{seq} [label="{label}"{"".join(", " + a for a in attrs)}];')
    for row in edges.iter_rows(named=True):
        cond = row.get("condition")
        attr = f' [label="{dot_escape(cond)}"]' if cond else ""
        lines.append(f"  s{int(row['from_seq'])} -> s{int(row['to_seq'])}{attr};")
    lines.append("}")
    return "\n".join(lines)
