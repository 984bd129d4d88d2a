"""No acknowledged answer lost or doubled when a worker dies and PostgreSQL crashes.

CI-sized run of :mod:`bench.load.fault` (the bigger one: ``make bench``, or
``bench/bench_load.py --targets fault --users 200``): simulated respondents
answer the 12-question survey through gunicorn (production config) on a
private PostgreSQL started for this test (the shared server is untouched)
while one worker is killed with SIGKILL, PostgreSQL is stopped in immediate
mode and restarted, and two ``invitations send-due`` run at the same moment.
Clients resubmit the same form (same idempotency key) on connection errors
and 5xx, as a browser would.
"""

from __future__ import annotations

import os
import shutil

import pytest

from bench.load.databases import _postgres_bin

pytestmark = pytest.mark.slow


def _can_run_postgres() -> str | None:
    try:
        _postgres_bin()
    except RuntimeError as error:
        return str(error)
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as another user"
    return None


@pytest.mark.skipif(_can_run_postgres() is not None, reason=str(_can_run_postgres()))
def test_no_acknowledged_answer_is_lost_or_doubled_through_crashes() -> None:
    from bench.load.fault import run_fault_scenario

    summary = run_fault_scenario(
        users=12,
        duration_s=9,
        think_s=0.2,
        ramp_s=1,
        grace_s=15,
        send_due_at=(0.2,),
        workers=2,
        threads=4,
        log=lambda _message: None,
    )
    verdict = summary["verification"]

    assert "kill-worker" in summary["faults"]
    assert "restart-postgresql" in summary["faults"]
    assert verdict["acknowledged_answers"] > 50, summary
    assert verdict["lost"] == [], verdict
    assert verdict["wrong_value"] == [], verdict
    assert verdict["duplicated"] == [], verdict
    assert verdict["completion_mismatch"] == [], verdict
    assert verdict["not_resumable"] == [], verdict
    assert verdict["completed"] > 0
    # Abandoned (stopped by the time limit) is fine: they must be resumable, checked above.
    assert summary["failed_respondents"] == 0, summary["unexpected"]
    send_due = summary["send_due"]
    if "skipped" in send_due:
        pytest.skip(send_due["skipped"])
    assert len(send_due["runs"]) == 2
    for run in send_due["runs"]:
        # A run that met the database down fails cleanly; the catch-up run does its work.
        assert run["returncode"] == 0 or run["database_unavailable"], run
    assert send_due["catch_up"]["returncode"] == 0, send_due["catch_up"]
    assert send_due["follow_ups"] == send_due["beneficiaries"], send_due
    assert send_due["beneficiaries_with_follow_up"] == send_due["beneficiaries"], send_due
