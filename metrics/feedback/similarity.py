"""Near-duplicate Chinese complaints: rapidfuzz's token-set ratio over jieba words (stop
characters and punctuation dropped), so the same matter told in other words and order still
scores high, while two complaints that only share a place name do not."""

from __future__ import annotations

import re
from functools import lru_cache

import jieba
from rapidfuzz import fuzz, process

jieba.setLogLevel(60)  # its "building prefix dict" chatter on first use
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
STOP = frozenset("的 了 是 在 和 有 我 我们 你们 他们 也 都 就 还 很 这 那 一个 请 希望 要求 反映 问题 "
                 "关于 因为 所以 但是 已经 没有 不 被 对 把 给 让 及 与 等 啊 吗 呢 吧".split())


@lru_cache(maxsize=4096)
def tokens(text: str) -> str:
    """The words of `text` that carry meaning, space-separated (rapidfuzz's token input)."""
    clean = _PUNCT.sub(" ", text or "")
    words = [w for w in jieba.lcut(clean) if w.strip() and w not in STOP]
    return " ".join(words)


def similarity(a: str, b: str) -> float:
    """0–100: how alike two complaints are."""
    return float(fuzz.token_set_ratio(tokens(a), tokens(b)))


def similarity_scores(query: str, others: list[str]) -> list[float]:
    q = tokens(query)
    return [float(s) for s in process.cdist([q], [tokens(o) for o in others],
                                            scorer=fuzz.token_set_ratio)[0]]
