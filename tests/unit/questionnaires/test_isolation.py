"""questionnaires is pure: importing it pulls in no web framework or database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_import_pulls_in_no_web_or_database_package():
    code = (
        "import sys, questionnaires, questionnaires.xlsform, questionnaires.readability\n"
        "questionnaires.load_builtin('impact-baseline')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'flask_wtf', 'flask_sqlalchemy', 'sqlalchemy', 'survey_app', 'wtforms'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == ""
