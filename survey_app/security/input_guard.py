"""A last net for control characters in the address, before any view runs.

Form fields are checked by the forms (survey_app/security/forms.py). Path
segments and query values reach database queries without a form
(``/privacy/<slug>``, ``/design/<key>``...), and PostgreSQL refuses NUL in a
query parameter with an error, so a crafted address must never get that far:
a control character in the path answers 404 (no such page), a NUL in a query
value 400.
"""

from __future__ import annotations

import unicodedata

from flask import abort, request


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def refuse_control_characters_in_address() -> None:
    if _has_control(request.path):
        abort(404)
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            abort(400)
