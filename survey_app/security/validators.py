"""Form validators shared by the staff forms.

PostgreSQL refuses the NUL character in text (and in query parameters), and
other control characters have no business in a name, an address or an
e-mail: refusing them at the form keeps hostile input a 400, never a 500.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text)


class NoControlCharacters:
    """Refuse invisible control characters (NUL, escape, ...); tabs and new lines pass."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, _form: Any, field: Any) -> None:
        if isinstance(field.data, str) and has_control_characters(field.data):
            raise ValidationError(self.message or str(_l("Remove the invisible characters.")))
