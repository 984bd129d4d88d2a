"""``indicators STUDY --json`` and ``responses import STUDY FILE.csv``."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import click
from flask import Flask
from sqlalchemy import select

from survey_app.cli._common import (
    checked_period,
    command_transaction,
    fewer_collections,
    imported_meanwhile,
)
from survey_app.extensions import db
from survey_app.models import Organisation, Study
from survey_app.services import beneficiary_import, reporting
from survey_app.services.answer_import import import_answers_csv
from survey_app.services.errors import DomainError, NotFound

if TYPE_CHECKING:  # pandas and statsmodels load when a command needs them: `--help` stays fast
    import analysis


def register(app: Flask) -> None:
    app.cli.add_command(indicators)
    app.cli.add_command(responses)


def find_study(slug: str, org_slug: str | None) -> Study:
    """The study with this slug; ``--org`` is needed only when several organisations use it."""
    query = select(Study).join(Organisation, Organisation.id == Study.organisation_id)
    query = query.where(Study.slug == slug)
    if org_slug:
        query = query.where(Organisation.slug == org_slug)
    found = db.session.scalars(query).all()
    if not found:
        raise NotFound(
            f"no study {slug!r}" + (f" in organisation {org_slug!r}" if org_slug else "")
        )
    if len(found) > 1:
        raise DomainError(f"several organisations have a study {slug!r}: add --org SLUG")
    return found[0]


def study_options(command):
    command = click.option("--site", "sites", multiple=True, help="Site code (repeatable).")(
        command
    )
    command = click.option(
        "--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day included (YYYY-MM-DD)."
    )(command)
    command = click.option(
        "--from",
        "date_from",
        type=click.DateTime(["%Y-%m-%d"]),
        help="First day included (YYYY-MM-DD).",
    )(command)
    return click.option("--org", "org_slug", help="Organisation slug.")(command)


def run_analysis(
    study: Study,
    date_from: date | None,
    date_to: date | None,
    sites: list[str] | None,
    breakdown_wave: str | None = None,
) -> analysis.StudyAnalysis:
    """The study's analysis with the organisation's settings (same numbers as the PDF)."""
    params = reporting.ReportParameters(
        study_id=study.id,
        date_from=date_from,
        date_to=date_to,
        sites=tuple(sites or ()),
        breakdown_wave=reporting.check_wave(db.session, study, breakdown_wave),
    )
    return reporting.analyse_from_database(db.session, study, params)


@click.command("indicators")
@click.argument("study_slug")
@study_options
@click.option(
    "--breakdown-wave",
    help="Wave key in which sites, modes and languages are compared (default: the baseline).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the complete result as JSON.")
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="en",
    show_default=True,
    help="Language of the text summary (the JSON carries both).",
)
def indicators(
    study_slug, org_slug, date_from, date_to, sites, breakdown_wave, as_json, lang
) -> None:
    """Compute the indicators, gains, trends and breakdowns of a study.

    Without --json, print a readable summary: period, who answered, the
    multiplicity policy and every finding in French or English.
    """
    first, last = checked_period(date_from, date_to)
    with fewer_collections(), imported_meanwhile(), command_transaction(read_only=True):
        study = find_study(study_slug, org_slug)
        result = run_analysis(study, first, last, list(sites), breakdown_wave)
    if as_json:
        payload = result.to_dict()
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo("\n".join(summary_lines(result, lang)))


_SUMMARY_WORDS = {
    "study": {"fr": "Étude", "en": "Study"},
    "period": {"fr": "Période", "en": "Period"},
    "to": {"fr": "au", "en": "to"},
    "who": {
        "fr": "{people} personnes, {questionnaires} questionnaires",
        "en": "{people} people, {questionnaires} questionnaires",
    },
    "wave": {
        "fr": "  {wave}\u00a0: {people} personnes, {questionnaires} questionnaires",
        "en": "  {wave}: {people} people, {questionnaires} questionnaires",
    },
    "findings": {"fr": "Constats", "en": "Findings"},
    "since": {
        "fr": "Temps d’accompagnement à l’entrée",
        "en": "Time with the service at baseline",
    },
    "warnings": {"fr": "Avertissements", "en": "Warnings"},
}


def _time_bins() -> dict[str, dict[str, str]]:
    """Words for the time-with-service bins (analysis loads only when a summary is printed)."""
    from analysis.design import TIME_WITH_SERVICE_BINS

    bins = {code: {"fr": fr, "en": en} for code, _day, fr, en in TIME_WITH_SERVICE_BINS}
    bins["unknown"] = {"fr": "inconnu", "en": "unknown"}
    return bins


def summary_lines(result: analysis.StudyAnalysis, lang: str) -> list[str]:
    """A readable text summary of an analysis, in ``lang`` (``fr`` or ``en``)."""
    words = {key: text[lang] for key, text in _SUMMARY_WORDS.items()}
    colon = "\u00a0: " if lang == "fr" else ": "
    percent = "\u202f%" if lang == "fr" else "%"
    lines = [f"{words['study']}{colon}{result.study or '?'}"]
    if result.period is not None:
        lines.append(
            f"{words['period']}{colon}{result.period.first_completed or '?'} {words['to']} "
            f"{result.period.last_completed or '?'}"
        )
        lines.append(result.period.eligibility.get(lang, ""))
    profile = result.profile
    if profile is not None:
        lines.append(
            words["who"].format(people=profile.n_people, questionnaires=profile.n_questionnaires)
        )
        for wave in result.waves:
            lines.append(
                words["wave"].format(
                    wave=wave,
                    people=profile.people_by_wave.get(wave),
                    questionnaires=profile.questionnaires_by_wave.get(wave),
                )
            )
    if profile is not None and profile.time_with_service:
        time_bins = _time_bins()
        since = ", ".join(
            f"{time_bins.get(row.group, {}).get(lang, row.group)} "
            + (f"{100 * row.share:.0f}{percent}" if row.share is not None else "—")
            for row in profile.time_with_service
        )
        lines.append(f"{words['since']}{colon}{since}")
    if result.multiplicity is not None:
        lines += ["", result.multiplicity.text.get(lang, "")]
    lines += ["", f"{words['findings']}{colon.rstrip()}"]
    lines += [f"- {getattr(finding, lang)}" for finding in result.findings]
    if result.warnings:
        lines += ["", f"{words['warnings']}{colon.rstrip()}", *(f"- {w}" for w in result.warnings)]
    return lines


@click.group("responses")
def responses() -> None:
    """Historical answers."""


@responses.command("import")
@click.argument("study_slug")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--org", "org_slug", help="Organisation slug.")
def import_responses(study_slug: str, csv_file, org_slug: str | None) -> None:
    """Import answers from a CSV tidy table (all or nothing; every problem listed)."""
    with command_transaction() as session:
        study = find_study(study_slug, org_slug)
        summary = import_answers_csv(
            session, study, csv_file, progress=lambda line: click.echo(line, err=True)
        )
    beneficiary_import.refresh_statistics(
        db.session, summary.responses, ("response", "answer", "beneficiary")
    )
    click.echo(
        f"imported {summary.responses} responses, {summary.answers} answers "
        f"({summary.beneficiaries_created} new beneficiary codes)"
    )
