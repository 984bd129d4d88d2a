"""``flask --app wsgi db …``: flask_migrate's commands, loaded when one runs.

The group is ours so that listing the app's commands (``flask --help``, or
any other command) does not import Alembic; its sub-commands, options and
behaviour are flask_migrate's own (``upgrade``, ``downgrade``, ``current``,
``migrate``…), with ``migrations/`` as the script directory.
"""

from __future__ import annotations

import click
from flask import g
from flask.cli import with_appcontext


class _LazyMigrateGroup(click.Group):
    """A click group whose sub-commands are flask_migrate's, imported on first lookup."""

    @staticmethod
    def _migrate_group() -> click.Group:
        from flask_migrate.cli import db

        return db

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._migrate_group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._migrate_group().get_command(ctx, cmd_name)


@click.group(cls=_LazyMigrateGroup)
@click.option(
    "-d", "--directory", default=None, help='Migration script directory (default is "migrations")'
)
@click.option(
    "-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts"
)
@with_appcontext
def db_group(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Perform database migrations."""
    # Read by flask_migrate's Migrate.get_config(), as its own group does.
    g.directory = directory
    g.x_arg = x_arg
