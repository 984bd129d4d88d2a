"""Base form classes: every text field refuses invisible control characters.

PostgreSQL refuses the NUL character in text (a 500 and a respondent stuck on
a page), and control characters have no business in a name, an answer or an
address. Rather than a validator on each field, the forms' ``Meta`` adds one
to every text field as it is bound: multi-line fields (``TextAreaField``)
keep tab and new lines, single-line fields keep nothing invisible. The
person gets the usual inline error; nothing is stored.

Every form of the app derives from :class:`SecureForm` (or
:class:`SecureSubform` for rows nested with ``FormField``); a test walks all
form classes and checks it.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Form, StringField, TextAreaField
from wtforms.meta import DefaultMeta

from survey_app.security.validators import NoControlCharacters

_MULTI_LINE = NoControlCharacters(allow_line_breaks=True)
_SINGLE_LINE = NoControlCharacters(allow_line_breaks=False)


def _guard(field: Any) -> Any:
    if isinstance(field, StringField):  # also TextArea, Password, Email, Hidden, Search
        guard = _MULTI_LINE if isinstance(field, TextAreaField) else _SINGLE_LINE
        others = [v for v in field.validators if not isinstance(v, NoControlCharacters)]
        field.validators = [guard, *others]
    return field


class _ControlCharacterMeta:
    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        return _guard(super().bind_field(form, unbound_field, options))  # type: ignore[misc]


class SecureForm(FlaskForm):
    """``FlaskForm`` (CSRF, request data) whose text fields refuse control characters."""

    class Meta(_ControlCharacterMeta, FlaskForm.Meta):
        pass


class SecureSubform(Form):
    """A plain WTForms form for rows inside a :class:`SecureForm` (``FormField``)."""

    class Meta(_ControlCharacterMeta, DefaultMeta):
        pass
