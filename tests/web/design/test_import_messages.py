"""Every message of the XLSForm import can be said in the interface language:
each code the importer emits has a sentence, and each sentence a French
translation."""

from __future__ import annotations

import ast
from pathlib import Path

from survey_app.design import import_messages
from survey_app.translations import merged_catalogue

ROOT = Path(__file__).resolve().parents[3]


def _emitted_codes() -> set[str]:
    """The constant codes passed to the importer's issue makers."""
    tree = ast.parse((ROOT / "questionnaires" / "xlsform.py").read_text(encoding="utf-8"))
    codes: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        position = {"ignore": 2, "error": 2, "note": 2, "issue": 1, "Issue": 2}.get(name)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            codes.add(arg.value)
    return codes


def _sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def test_every_code_the_importer_emits_has_a_sentence():
    codes = _emitted_codes()
    assert len(codes) > 30  # the scan finds the importer's codes
    assert sorted(codes - set(import_messages.MESSAGES)) == []


def test_every_import_sentence_has_a_french_translation():
    catalogue = merged_catalogue()
    sentences = _sentences(ROOT / "survey_app" / "design" / "import_messages.py")
    sentences += _sentences(ROOT / "survey_app" / "cli" / "questionnaires.py")
    assert len(sentences) > 60
    assert [s for s in sentences if not (catalogue.get(s) and catalogue.get(s).string)] == []
