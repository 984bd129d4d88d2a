"""``create-org``, ``create-user`` and ``reset-password``."""

from __future__ import annotations

import sys

import click
from flask import Flask

from survey_app.cli._common import command_transaction
from survey_app.models import Role
from survey_app.services import accounts, audit, passwords


def register(app: Flask) -> None:
    app.cli.add_command(create_org)
    app.cli.add_command(create_user)
    app.cli.add_command(reset_password)
    app.cli.add_command(totp_rotate_keys)


@click.command("totp-rotate-keys")
def totp_rotate_keys() -> None:
    """Re-encrypt every second-factor secret with the first configured key (docs/DEPLOYMENT.md)."""
    from flask import current_app

    from survey_app.services import totp

    with command_transaction() as session:
        done, unreadable = totp.rotate_keys(session, current_app.config)
    click.echo(f"re-encrypted {done} second-factor secret(s)")
    if unreadable:
        raise click.ClickException(
            f"{unreadable} secret(s) could not be decrypted with any configured key "
            "(those people must sign in with a recovery code and enrol again)"
        )


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
        password = _read_password(email)
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


def _read_password(email: str) -> str:
    """One line of standard input, checked against the password rules."""
    from flask import current_app, g

    password = sys.stdin.readline().rstrip("\n")
    # The rules' messages are translated; the command line speaks English.
    with current_app.test_request_context():
        g.forced_locale = "en"
        problems = passwords.password_problems(password, email=email)
    if problems:
        raise click.ClickException(" ".join(problems))
    return password


@click.command("reset-password")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Set the password read from standard input instead of printing a reset link.",
)
def reset_password(email: str, password_stdin: bool) -> None:
    """Print a single-use reset link for EMAIL (valid one hour), or set a password.

    Either way the user's open sessions end.
    """
    from flask import current_app, url_for

    password = _read_password(email) if password_stdin else None
    with command_transaction() as session:
        user = accounts.find_user_by_email(session, email)
        if user is None:
            raise click.ClickException(f"no user with e-mail {email!r}")
        organisation_ids = [m.organisation_id for m in user.memberships] or [None]
        if password is not None:
            user.password_hash = accounts.hash_password(password)
            user.password_changed_at = accounts.utcnow()
            accounts.revoke_sessions(session, user.id)
            action, token = "password.set_by_operator", None
        else:
            token = passwords.create_reset_token(session, user)
            action = "password.reset_link_printed"
        for organisation_id in organisation_ids:
            audit.record(
                session,
                action,
                actor_label="cli",
                organisation_id=organisation_id,
                object_type="user",
                object_id=user.id,
            )
    if token is None:
        click.echo(f"password set for {user.email}; their sessions are closed")
        return
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    with current_app.test_request_context(base_url=base or None):
        link = url_for("auth.reset_password", token=token, _external=True)
    click.echo(f"reset link for {user.email} (valid one hour, single use):")
    click.echo(link)
