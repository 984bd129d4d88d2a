"""``open-answers STUDY --json``: themes, counts and quotes of the open answers (issue 17).

Prints exactly what the report's section "In their own words" shows (same
service, same disclosure rule, same quotes): validated themes only, counts
of people with their Wilson interval, suppressed or bounded under ``k``.
``--suggest`` asks the model for new theme suggestions first (recorded in the
audit trail as done by the system); validating them stays a person's job.
"""

from __future__ import annotations

import json

import click
from flask import Flask

from survey_app.cli._common import checked_period, command_transaction
from survey_app.cli.analysis import find_study, study_options
from survey_app.extensions import db
from survey_app.models import Organisation
from survey_app.services import open_answers


def register(app: Flask) -> None:
    app.cli.add_command(open_answers_command)


@click.command("open-answers")
@click.argument("study_slug")
@study_options
@click.option("--json", "as_json", is_flag=True, help="Print the section as JSON.")
@click.option("--suggest", is_flag=True, help="Ask the model for new suggestions first.")
def open_answers_command(study_slug, org_slug, date_from, date_to, sites, as_json, suggest):
    """De-identified open answers: validated themes, how many people raised them, quotes."""
    first, last = checked_period(date_from, date_to)
    with command_transaction() as session:
        study = find_study(study_slug, org_slug)
        if suggest:
            created = open_answers.suggest(session, study, actor=None)
            click.echo(f"{len(created)} themes suggested (to be validated by a person)", err=True)
        organisation = db.session.get(Organisation, study.organisation_id)
        section = open_answers.report_section(
            session,
            study,
            organisation.min_cell_size if organisation else 5,
            date_from=first,
            date_to=last,
            sites=tuple(sites),
        )
    payload = section.to_dict()
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True))
        return
    click.echo(f"{payload['answers']} answers from {payload['people']} people (k = {payload['k']})")
    if not payload["themes"]:
        click.echo("No validated theme yet.")
    for theme in payload["themes"]:
        overall = theme["overall"]
        if overall["suppressed"]:
            figure = overall["bound"] or "suppressed"
        else:
            figure = (
                f"{overall['count']}/{overall['total']} ({overall['share']:.0%}, "
                f"95% CI {overall['low']:.0%}–{overall['high']:.0%})"
            )
        click.echo(f"- {theme['label']}: {figure}")
        for quote in theme["quotes"]:
            click.echo(f"    « {quote} »")
