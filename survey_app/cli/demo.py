"""``seed-demo``: the demo organisation, printed logins and a survey link."""

from __future__ import annotations

import click
from flask import Flask, current_app

from survey_app.cli._common import command_transaction
from survey_app.services.demo import seed_demo


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)


def public_base_url() -> str:
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    return f"http://127.0.0.1:{current_app.config['PORT']}"


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo organisation and study (once) and print how to try them.

    Prints one line per staff login as ``ROLE EMAIL PASSWORD`` and one working
    survey link. Running it again adds nothing but keeps printing them.
    """
    with command_transaction() as session:
        result = seed_demo(session, current_app.config["SECRET_KEY"])
    click.echo("demo data " + ("created" if result.created else "already present"), err=True)
    for role, email, password in result.logins:
        click.echo(f"{role} {email} {password}")
    click.echo(f"survey link: {public_base_url()}/s/{result.survey_token}")
