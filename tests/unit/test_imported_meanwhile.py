"""``imported_meanwhile``: modules load in a thread while a command reads the database."""

from __future__ import annotations

import importlib
import sys
import threading

import pytest

from survey_app.cli._common import imported_meanwhile


@pytest.fixture
def module_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("ahead_ok", "ahead_broken"):
        sys.modules.pop(name, None)


def test_the_modules_are_imported_by_another_thread_by_the_end_of_the_block(module_dir):
    (module_dir / "ahead_ok.py").write_text(
        "import threading\nIMPORTED_BY = threading.current_thread().name\n"
    )
    with imported_meanwhile(("ahead_ok",)):
        pass
    assert sys.modules["ahead_ok"].IMPORTED_BY == "import-meanwhile"
    assert threading.current_thread().name != "import-meanwhile"
    assert not any(t.name == "import-meanwhile" for t in threading.enumerate())


def test_a_failing_import_does_not_break_the_block_and_fails_again_where_needed(module_dir):
    (module_dir / "ahead_broken.py").write_text("raise ImportError('scipy is missing')\n")
    with imported_meanwhile(("ahead_broken",)):
        done = True
    assert done
    with pytest.raises(ImportError, match="scipy is missing"):
        importlib.import_module("ahead_broken")
