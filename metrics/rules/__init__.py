"""All light rules. Importing this package registers every system's rules in RULES."""

from metrics.rules.registry import RULES, Param, Rule, evaluate, register

__all__ = ["RULES", "Param", "Rule", "evaluate", "register"]

from metrics.rules import lights  # noqa: E402,F401  (LC-R1, the lights centre's own rule)
from metrics.rules import power  # noqa: E402,F401  (S1: PW-R1, PW-R2, PW-Y1..PW-Y3)
from metrics.rules import supervision  # noqa: E402,F401  (S4: AP-*, FD-*)
