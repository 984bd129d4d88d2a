"""Fixtures of the report tests: one real analysis, one HTML and one PDF per language."""

from __future__ import annotations

import subprocess

import pytest

import reports
from tests.reports_factories import sample_analysis, sample_context


@pytest.fixture(scope="session")
def analysis_result():
    return sample_analysis()


@pytest.fixture(scope="session")
def report_html(analysis_result):
    return {
        lang: reports.render_html(analysis_result, sample_context(), lang) for lang in ("fr", "en")
    }


@pytest.fixture(scope="session")
def report_pdf(analysis_result, tmp_path_factory):
    """PDF bytes and their text (``pdftotext -layout``) per language."""
    result = {}
    for lang in ("fr", "en"):
        content = reports.build_report(analysis_result, sample_context(), lang)
        path = tmp_path_factory.mktemp("pdf") / f"report-{lang}.pdf"
        path.write_bytes(content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        result[lang] = {"bytes": content, "path": path, "text": text}
    return result
