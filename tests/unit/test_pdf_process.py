"""The report command's PDF child process: same result, errors come back, nothing left behind."""

from __future__ import annotations

import os
import time

import pytest

import reports
from survey_app.services import pdf_process
from survey_app.services.pdf_process import PdfProcess

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytest.fixture(autouse=True)
def _no_warm_up(monkeypatch):
    monkeypatch.setattr(pdf_process, "_warm_up", lambda: None)


def _pid_and_arguments(analysis, context, lang) -> bytes:
    return f"{os.getpid()}|{analysis}|{context}|{lang}".encode()


def test_the_pdf_is_built_in_another_process_from_what_the_parent_hands_over(monkeypatch):
    monkeypatch.setattr(reports, "build_report", _pid_and_arguments)
    with PdfProcess(fork=True) as pdf:
        pid, analysis, context, lang = pdf.build({"n": 3}, ("ctx",), "en").decode().split("|")
    assert int(pid) != os.getpid()
    assert (analysis, context, lang) == ("{'n': 3}", "('ctx',)", "en")


def test_without_fork_the_pdf_is_built_here(monkeypatch):
    monkeypatch.setattr(reports, "build_report", _pid_and_arguments)
    with PdfProcess(fork=False) as pdf:
        pid = pdf.build(1, 2, "fr").decode().split("|")[0]
    assert int(pid) == os.getpid()


def test_the_environment_can_turn_the_child_off(monkeypatch):
    monkeypatch.setenv("ECOUTE_FORK_PDF", "0")
    monkeypatch.setattr(reports, "build_report", _pid_and_arguments)
    with PdfProcess() as pdf:
        assert int(pdf.build(1, 2, "fr").decode().split("|")[0]) == os.getpid()


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_traceback(monkeypatch):
    def fails(analysis, context, lang):
        raise ValueError(f"no chart for {lang}")

    monkeypatch.setattr(reports, "build_report", fails)
    with PdfProcess(fork=True) as pdf, pytest.raises(ValueError, match="no chart for en") as error:
        pdf.build(None, None, "en")
    assert any("child process" in note for note in error.value.__notes__)


def test_an_error_that_cannot_travel_arrives_as_a_runtime_error_with_its_text(monkeypatch):
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("cannot pickle")

    def fails(analysis, context, lang):
        raise Unpicklable("fonts missing")

    monkeypatch.setattr(reports, "build_report", fails)
    with PdfProcess(fork=True) as pdf, pytest.raises(RuntimeError, match="fonts missing"):
        pdf.build(None, None, "fr")


def test_a_command_that_fails_before_the_pdf_leaves_no_child_behind(monkeypatch):
    monkeypatch.setattr(pdf_process, "_warm_up", lambda: time.sleep(60))
    process = PdfProcess(fork=True)
    with pytest.raises(LookupError), process:
        raise LookupError("no study 'nope'")
    child = process.child_pid
    assert child is not None
    with pytest.raises(ChildProcessError):  # already reaped: no zombie, no orphan
        os.waitpid(child, os.WNOHANG)
