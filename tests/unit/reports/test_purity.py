"""``reports`` is a pure package: no Flask, no database, no survey_app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_reports_imports_neither_flask_nor_the_database():
    code = (
        "import sys, reports, reports.render, reports.charts, reports.viewmodel;"
        "import weasyprint;"
        "roots = {'flask', 'flask_babel', 'flask_sqlalchemy', 'sqlalchemy', 'survey_app'};"
        "bad = sorted(m for m in sys.modules"
        " if m.split('.')[0] in roots or m == 'matplotlib.pyplot');"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"reports imported: {result.stdout} {result.stderr}"
