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

_LINE_BREAKS = frozenset({"\t", "\n", "\r"})


def has_control_characters(text: str, *, allow_line_breaks: bool = True) -> bool:
    """True when ``text`` holds a control character (C0, DEL, C1).

    Tab, carriage return and line feed pass when ``allow_line_breaks``
    (multi-line fields); single-line fields refuse them too.
    """
    allowed = _LINE_BREAKS if allow_line_breaks else frozenset()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


class NoControlCharacters:
    """Refuse invisible control characters (NUL, escape, ...); tabs and new lines pass
    unless ``allow_line_breaks`` is false."""

    def __init__(self, message: str | None = None, *, allow_line_breaks: bool = True) -> None:
        self.message = message
        self.allow_line_breaks = allow_line_breaks

    def __call__(self, _form: Any, field: Any) -> None:
        data = field.data
        values = data if isinstance(data, list) else [data]
        if any(
            isinstance(value, str)
            and has_control_characters(value, allow_line_breaks=self.allow_line_breaks)
            for value in values
        ):
            raise ValidationError(
                self.message
                or str(
                    _l(
                        "This contains invisible characters that cannot be saved: "
                        "delete it and type it again."
                    )
                )
            )
