"""Template globals shared by all areas."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import get_locale

from survey_app.security.permissions import Permission, has_permission


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict[str, Any]:
        membership = g.get("membership")

        def can(permission: str) -> bool:
            return has_permission(membership.role if membership else None, Permission(permission))

        return {
            "current_user": g.get("user"),
            "current_membership": membership,
            "current_locale": str(get_locale() or "fr"),
            "can": can,
        }
