"""``create-org`` and ``create-user``."""

from __future__ import annotations

import sys

import click
from flask import Flask

from survey_app.cli._common import command_transaction
from survey_app.models import Role
from survey_app.services import accounts, audit


def register(app: Flask) -> None:
    app.cli.add_command(create_org)
    app.cli.add_command(create_user)


@click.command("create-org")
@click.argument("slug")
@click.argument("name")
def create_org(slug: str, name: str) -> None:
    """Create an organisation (a tenant) with SLUG and display NAME."""
    with command_transaction() as session:
        organisation = accounts.create_organisation(session, slug, name)
        audit.record(
            session,
            "organisation.create",
            actor_label="cli",
            organisation_id=organisation.id,
            object_type="organisation",
            object_id=organisation.id,
        )
    click.echo(f"created organisation {slug}")


@click.command("create-user")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="Organisation slug.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="Role in that organisation.",
)
@click.option("--name", "display_name", default="", help="Display name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of generating one.",
)
def create_user(
    email: str, org_slug: str, role: str, display_name: str, password_stdin: bool
) -> None:
    """Create a staff user, or add a membership if the user exists."""
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < accounts.MIN_PASSWORD_LENGTH:
            raise click.ClickException(
                f"the password must have at least {accounts.MIN_PASSWORD_LENGTH} characters"
            )
    with command_transaction() as session:
        organisation = accounts.get_organisation(session, org_slug)
        existing = accounts.find_user_by_email(session, email)
        generated = None
        if existing is None and password is None:
            generated = password = accounts.generate_password()
        user, created = accounts.create_or_update_user(
            session,
            email,
            organisation=organisation,
            role=Role(role),
            password=password,
            display_name=display_name,
        )
        audit.record(
            session,
            "user.create" if created else "membership.set",
            actor_label="cli",
            organisation_id=organisation.id,
            object_type="user",
            object_id=user.id,
            details={"role": role},
        )
    verb = "created" if created else "updated"
    click.echo(f"{verb} {user.email} as {role} in {org_slug}")
    if generated:
        click.echo(f"password: {generated}")
