"""All light rules. Importing this package registers every system's rules in RULES."""

from metrics.rules.registry import RULES, Param, Rule, evaluate, register

__all__ = ["RULES", "Param", "Rule", "evaluate", "register"]
