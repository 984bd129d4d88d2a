"""The pure packages never pull in the web stack or the database layer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["analysis", "questionnaires", "reports"])
def test_pure_package_imports_no_web_or_database(package):
    forbidden = "{'flask', 'flask_sqlalchemy', 'sqlalchemy', 'survey_app', 'werkzeug'}"
    probe = (
        f"import json, sys; import {package}; "
        "print(json.dumps(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {forbidden})))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == []
