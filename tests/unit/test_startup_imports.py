"""Starting the app imports no heavy library: every `flask` command starts quickly.

pandas, statsmodels, matplotlib, WeasyPrint, scipy and openpyxl are imported
inside the functions that use them (analysis, reports, exports, cards);
``bench/bench_startup.py`` times ``flask --app wsgi --help``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = {"pandas", "statsmodels", "matplotlib", "weasyprint", "scipy", "openpyxl", "numpy"}
# Imported only by the commands that need them: `db …` (Alembic, Mako) and
# questionnaire validation (jsonschema).
ON_DEMAND = {"alembic", "mako", "jsonschema"}
WATCHED = HEAVY | ON_DEMAND
ROOT = Path(__file__).resolve().parents[2]


def _heavy_modules_after(code: str) -> list[str]:
    probe = (
        f"import json, sys\n{code}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {WATCHED!r})))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "test", "DATABASE_URL": "sqlite://"},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_importing_wsgi_imports_no_heavy_library():
    assert _heavy_modules_after("import wsgi") == []


def test_the_cli_with_every_command_registered_imports_no_heavy_library():
    code = (
        "from survey_app import create_app\n"
        "app = create_app({'DATABASE_URL': 'sqlite://', 'SECRET_KEY': 'test'})\n"
        "names = sorted(app.cli.list_commands(app.app_context()))\n"
        "assert 'indicators' in names and 'responses' in names, names\n"
    )
    assert _heavy_modules_after(code) == []


def test_the_probe_sees_a_heavy_import():
    assert "pandas" in _heavy_modules_after("from analysis import analyse_study")


def test_the_database_loader_side_of_analysis_needs_neither_scipy_nor_statsmodels():
    # What lets `indicators` and `report` import SciPy and statsmodels in a thread
    # while the loader (analysis.inputs) reads the database.
    assert _heavy_modules_after("import analysis, analysis.inputs") == ["numpy", "pandas"]


def test_the_pdf_side_needs_neither_pandas_nor_scipy_nor_statsmodels():
    # The process that lays out the PDF (survey_app.services.pdf_process) imports
    # `reports` and unpickles a StudyAnalysis, open-answer themes included: the
    # result types and method parameters live in NumPy-only modules.
    code = (
        "import pickle, reports\n"
        "from analysis.results import StudyAnalysis, ThemeSection\n"
        "from analysis.parameters import EXACT_MAX_N\n"
        "pickle.loads(pickle.dumps((StudyAnalysis, ThemeSection)))\n"
    )
    assert _heavy_modules_after(code) == ["numpy"]
