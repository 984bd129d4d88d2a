"""Every user-facing string of the theme review pages has its French translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

from survey_app.translations import merged_catalogue

ROOT = Path(__file__).resolve().parents[3]
PYTHON_FILES = [
    "survey_app/studies/open_answers_views.py",
    "survey_app/studies/open_answers_forms.py",
]
TEMPLATES = ["open_answers.html", "open_answers_theme.html", "_model_notice.html"]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}


def test_every_string_has_french():
    found: set[str] = set()
    for name in PYTHON_FILES:
        for _line, message, _c, _x in extract_from_file("python", ROOT / name, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    for name in TEMPLATES:
        path = ROOT / "survey_app/templates/studies" / name
        for _line, message, _c, _x in extract_from_file(
            "jinja2.ext:babel_extract", path, keywords={"_": None}
        ):
            found.add(message if isinstance(message, str) else message[0])
    catalogue = merged_catalogue()
    assert len(found) > 50
    assert sorted(m for m in found if not (catalogue.get(m) and catalogue.get(m).string)) == []
