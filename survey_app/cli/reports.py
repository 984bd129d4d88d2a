"""``flask --app wsgi report STUDY --out FILE.pdf [--from --to --site --lang --org]``."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask

import survey_app
from survey_app.cli._common import (
    checked_period,
    command_transaction,
    fewer_collections,
    imported_meanwhile,
)
from survey_app.services import reporting
from survey_app.services.pdf_process import PdfProcess


def register(app: Flask) -> None:
    app.cli.add_command(report)


@click.command("report")
@click.argument("study_slug")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the PDF.",
)
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD)."
)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@click.option("--site", "sites", multiple=True, help="Site code (repeatable; default: all).")
@click.option(
    "--lang", type=click.Choice(reporting.REPORT_LANGUAGES), default="fr", show_default=True
)
@click.option("--org", "org_slug", help="Organisation slug (when several have this study).")
@click.option(
    "--breakdown-wave",
    help="Wave key in which sites, modes and languages are compared (default: the baseline).",
)
def report(study_slug, out, date_from, date_to, sites, lang, org_slug, breakdown_wave) -> None:
    """Write the impact report of a study as a tagged PDF (PDF/UA-1)."""
    first, last = checked_period(date_from, date_to)
    if not out.parent.is_dir():  # say so before the build, not after it
        raise click.BadParameter(f"no such folder: {out.parent}", param_hint="--out")
    started = time.perf_counter()
    # The child process imports the PDF libraries while this one reads and analyses.
    with fewer_collections(), PdfProcess() as pdf:
        with imported_meanwhile(), command_transaction(read_only=True) as session:
            study = reporting.find_study_by_slug(session, study_slug, org_slug)
            params = reporting.ReportParameters(
                study_id=study.id,
                lang=lang,
                date_from=first,
                date_to=last,
                sites=reporting.check_sites(session, study, tuple(sites)),
                breakdown_wave=reporting.check_wave(session, study, breakdown_wave),
            )
            report_input = reporting.prepare(
                session, study, params, software_version=survey_app.__version__
            )
        content = pdf.build(
            reporting.analyse(report_input), report_input.context, report_input.lang
        )
    try:
        out.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror}") from error
    elapsed = time.perf_counter() - started
    click.echo(f"wrote {out} ({len(content):,} bytes) in {elapsed:.1f} s")
