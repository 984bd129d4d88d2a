"""``beneficiaries import FILE --org SLUG``: register many beneficiaries, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from survey_app.cli._common import command_transaction
from survey_app.models import Organisation, Site
from survey_app.services import beneficiary_import

beneficiaries = AppGroup("beneficiaries", help="Beneficiaries of an organisation.")


def register(app: Flask) -> None:
    app.cli.add_command(beneficiaries)


@beneficiaries.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Organisation slug.")
@click.option("--dry-run", is_flag=True, help="Check the file and save nothing.")
def import_command(file: Path, org_slug: str, dry_run: bool) -> None:
    """Register the people of a CSV or XLSX file (columns: reference, site, start_date,
    email, phone, language). Every problem is listed by row and column; nothing is
    saved unless the whole file is valid."""
    with command_transaction() as session:
        organisation = session.scalar(select(Organisation).where(Organisation.slug == org_slug))
        if organisation is None:
            raise click.ClickException(f"no organisation {org_slug!r}")
        site_ids = list(
            session.scalars(select(Site.id).where(Site.organisation_id == organisation.id))
        )
        rows = beneficiary_import.read_rows(file.read_bytes(), file.name)
        if dry_run:
            people, problems = beneficiary_import.check(session, organisation.id, site_ids, rows)
            if problems:
                raise beneficiary_import.ImportRejected(problems)
            click.echo(f"{len(people)} beneficiaries can be imported (dry run: nothing saved)")
            return
        created = beneficiary_import.save(
            session,
            organisation.id,
            site_ids,
            rows,
            actor_label="beneficiaries import",
            source=file.name,
        )
    with command_transaction() as session:
        beneficiary_import.refresh_statistics(session, len(created))
    click.echo(f"{len(created)} beneficiaries imported into {org_slug}")
