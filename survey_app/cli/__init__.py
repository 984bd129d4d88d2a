"""Command-line interface: ``flask --app wsgi COMMAND``.

Each command opens the app context, calls services, commits once at the end
and reports domain errors as ``ClickException`` (stderr, exit code 1).
"""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from survey_app.cli import accounts, demo

    for module in (accounts, demo):
        module.register(app)
    _register_optional(app)


def _register_optional(app: Flask) -> None:
    """Command groups of feature areas, each in its own module."""
    import importlib

    for name in (
        "questionnaires",
        "invitations",
        "analysis",
        "reports",
        "retention",
        "open_answers",
        "beneficiaries",
        "jobs",
    ):
        try:
            module = importlib.import_module(f"survey_app.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"survey_app.cli.{name}":
                raise
            continue
        module.register(app)
