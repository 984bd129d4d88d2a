"""Every text field of every form refuses control characters (issue 13, item 3).

The check is made once, by the forms' ``Meta`` (survey_app/security/forms.py);
these tests walk every form class of the app so a new form cannot miss it.
The end-to-end respondent case on both databases is in
tests/db/security/test_control_characters.py.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField

import survey_app
from survey_app.security.forms import SecureForm, SecureSubform

MESSAGE = "This contains invisible characters that cannot be saved"


def _all_form_classes() -> list[type[Form]]:
    found: dict[str, type[Form]] = {}
    for module_info in pkgutil.walk_packages(survey_app.__path__, "survey_app."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Form) and value.__module__.startswith("survey_app."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def test_every_form_of_the_app_refuses_control_characters():
    forms = _all_form_classes()
    assert len(forms) > 30
    unguarded = [
        form.__qualname__
        for form in forms
        if not issubclass(form, SecureForm | SecureSubform) and form not in (SecureForm,)
    ]
    assert unguarded == []


@pytest.mark.parametrize("form_class", _all_form_classes(), ids=lambda f: f.__qualname__)
def test_each_text_field_refuses_nul_and_escape(app, form_class):
    """NUL, escape and DEL refused everywhere; tab and new line only in multi-line fields."""
    if form_class in (SecureForm, SecureSubform):
        pytest.skip("base class")
    with app.test_request_context("/", method="POST", headers={"Accept-Language": "en"}):
        probe = form_class(formdata=MultiDict(), meta={"csrf": False})
        text_fields = [
            name
            for name, field in probe._fields.items()
            if isinstance(field, StringField) and name != "csrf_token"
        ]
        for name in text_fields:
            for bad in ("a\x00b", "a\x1bb", "a\x7fb"):
                form = form_class(formdata=MultiDict({name: bad}), meta={"csrf": False})
                form[name].validate(form)
                errors = form[name].errors
                assert any(MESSAGE in str(e) for e in errors), (name, bad, errors)
            multi = isinstance(probe._fields[name], TextAreaField)
            form = form_class(formdata=MultiDict({name: "a\tb\nc"}), meta={"csrf": False})
            form[name].validate(form)
            assert any(MESSAGE in str(e) for e in form[name].errors) != multi, name
