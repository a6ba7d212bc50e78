"""One error base for everything a user is told: an i18n key and the parameters of its message.

Services raise subclasses (one per area, so callers can catch what they expect); pages and the
CLI translate `key` with `params` in the user's language."""

from __future__ import annotations


class AppError(ValueError):
    """A refused action or bad input; `key` names the i18n message, `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params
