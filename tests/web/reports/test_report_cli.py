"""``flask report STUDY --out FILE.pdf``."""

from __future__ import annotations

from tests.reports_factories import make_report_study


def test_report_command_writes_a_pdf(runner, session, tmp_path):
    make_report_study(session, people=12, slug="cli-study")
    session.commit()
    out = tmp_path / "report.pdf"
    result = runner.invoke(
        args=["report", "cli-study", "--out", str(out), "--lang", "en", "--from", "2025-01-01"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-1.7")
    assert "wrote" in result.output


def test_report_command_errors_are_clear(runner, session, tmp_path):
    make_report_study(session, people=6, slug="cli-two")
    session.commit()
    out = tmp_path / "x.pdf"
    missing = runner.invoke(args=["report", "nope", "--out", str(out)])
    assert missing.exit_code != 0
    assert "no study 'nope'" in missing.output
    bad_site = runner.invoke(args=["report", "cli-two", "--out", str(out), "--site", "ZZ"])
    assert bad_site.exit_code != 0
    assert "Unknown site code(s): ZZ" in bad_site.output
    bad_dates = runner.invoke(
        args=["report", "cli-two", "--out", str(out), "--from", "2025-05-01", "--to", "2025-01-01"]
    )
    assert bad_dates.exit_code != 0
    assert not out.exists()


def test_an_output_folder_that_does_not_exist_is_refused_before_the_build(
    runner, session, tmp_path
):
    make_report_study(session, people=6, slug="cli-out")
    session.commit()
    out = tmp_path / "missing" / "report.pdf"
    result = runner.invoke(args=["report", "cli-out", "--out", str(out)])
    assert result.exit_code != 0
    assert "no such folder" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
