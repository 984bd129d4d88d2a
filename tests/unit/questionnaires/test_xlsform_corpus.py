"""The XLSForm import measured on real forms, and every export checked by pyxform.

pyxform (the XLSForm → XForm converter that ODK and KoboToolbox run) is the
reference: an export must convert without error or warning, and read back
unchanged. The corpus (tests/data/xlsforms, sources in its MANIFEST.md) holds
real forms from several organisations and forms written for each construct.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

import questionnaires as qn

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "xlsforms"


def _script():
    spec = importlib.util.spec_from_file_location(
        "xlsform_corpus", ROOT / "scripts" / "xlsform_corpus.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("xlsform_corpus", module)
    spec.loader.exec_module(module)
    return module


corpus = _script()


@cache
def measured():
    return corpus.measure([CORPUS])


def test_the_corpus_has_forms_from_several_organisations():
    sources = {p.parent.name for p in corpus.corpus_files([CORPUS])}
    assert len(sources) >= 4
    manifest = (CORPUS / "MANIFEST.md").read_text(encoding="utf-8")
    for path in corpus.corpus_files([CORPUS]):
        if path.parent.name != "ecoute":
            assert path.name in manifest, f"{path.name} has no source in MANIFEST.md"


def test_no_crash_no_false_refusal_and_most_forms_pyxform_accepts_import():
    summary = measured()
    assert summary.crashes() == []
    assert summary.false_refusals() == []
    accepted = summary.accepted()
    imported = [o for o in accepted if o.result in ("full", "drops")]
    assert len(imported) >= 0.8 * len(accepted), summary.report(details=True)


def test_every_imported_corpus_form_exports_to_what_pyxform_accepts_and_reads_back():
    assert [(o.path.name, o.export_problem) for o in measured().export_failures()] == []


def test_refusals_name_a_reason_and_drops_are_listed():
    for outcome in measured().outcomes:
        if outcome.result in ("refused", "drops"):
            assert outcome.codes, outcome.path


@pytest.mark.parametrize("key", qn.builtin_keys())
def test_builtin_exports_convert_with_pyxform_without_warning(key):
    q = qn.load_builtin(key)
    exported = qn.write_xlsform(q)
    accepted, warnings = corpus.pyxform_verdict(exported)
    assert accepted
    assert warnings == []
    assert qn.read_xlsform(exported, filename=f"{key}.xlsx").questionnaire == q


def test_test_definitions_export_to_what_pyxform_accepts(full, minimal):
    for data in (full(), minimal()):
        q = qn.load_definition(data)
        assert corpus.export_problem(q) == ""


def test_markdown_forms_are_read_as_pyxform_lays_them_out():
    data = corpus.markdown_workbook(
        "| survey |\n|  | type | name | label |\n|  | text | a | A |\n"
        "| choices |\n|  | list_name | name | label |\n"
    )
    result = qn.read_xlsform(data, filename="md.xlsx")
    assert [q.key for q in result.questionnaire.questions] == ["a"]
