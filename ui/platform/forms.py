"""Turning model validation errors into one line per field, in the user's language."""

from __future__ import annotations

from pydantic import ValidationError

from ui.platform.i18n import t


def validation_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(t("core.invalid_field", field=t(f"core.field.{field}") if field else "",
                           detail=err.get("msg", "")))
        return "；".join(parts)
    return str(exc)
