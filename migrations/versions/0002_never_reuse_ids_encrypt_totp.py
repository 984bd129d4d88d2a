"""ids never reused on SQLite (AUTOINCREMENT); second-factor secrets encrypted at rest

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 04:30:00

SQLite gives a new row the largest id + 1, so erasing the newest beneficiary
handed its id to the next one (its audit events then sat beside a stranger).
AUTOINCREMENT forbids reuse; SQLite only sets it when a table is created, so
every table with an integer id is rebuilt (Alembic batch mode), with foreign
keys off during the rebuild: with them on, dropping the old copy of a table
would run its ON DELETE CASCADE. PostgreSQL identities never reuse values and
are left alone.

``user_account.totp_secret`` (clear) becomes ``totp_secret_encrypted``
(Fernet, survey_app/security/secret_box.py). Existing secrets are encrypted
here, with the keys of the app running the upgrade: run ``flask db upgrade``
with the same ``SECRET_KEY`` / ``TOTP_ENCRYPTION_KEYS`` as the app (as the
deployment guide always does). Downgrading decrypts them back.
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Every table whose integer ids must never be reused.
INTEGER_ID_TABLES = (
    "organisation",
    "site",
    "user_account",
    "membership",
    "user_session",
    "recovery_code",
    "password_reset_token",
    "audit_event",
    "questionnaire",
    "questionnaire_version",
    "study",
    "wave",
    "open_link",
    "beneficiary",
    "invitation",
)

_users = sa.table(
    "user_account",
    sa.column("id", sa.Integer),
    sa.column("totp_secret", sa.String),
    sa.column("totp_secret_encrypted", sa.String),
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_keys(on: bool) -> None:
    """PRAGMA foreign_keys only works outside a transaction."""
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    # Leave the connection as the app configures it (survey_app/extensions.py).
    op.get_bind().connection.dbapi_connection.isolation_level = None


def _check_foreign_keys() -> None:
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by the table rebuild: {broken[:5]}")


def _rebuild_sqlite_tables(autoincrement: bool) -> None:
    for table in INTEGER_ID_TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def _convert_secrets(source: str, target: str, convert) -> None:
    bind = op.get_bind()
    column = getattr(_users.c, source)
    rows = bind.execute(sa.select(_users.c.id, column).where(column.is_not(None))).all()
    for user_id, value in rows:
        bind.execute(
            _users.update()
            .where(_users.c.id == user_id)
            .values({target: convert(current_app.config, value)})
        )


def _migrate(*, new: sa.Column, old: str, convert, autoincrement: bool) -> None:
    """Move the secrets from column ``old`` to ``new`` through ``convert``; rebuild on SQLite."""
    sqlite = _is_sqlite()
    if sqlite:
        _foreign_keys(on=False)
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(new)
    _convert_secrets(old, new.name, convert)
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column(old)
    if sqlite:
        _rebuild_sqlite_tables(autoincrement=autoincrement)
        _check_foreign_keys()
        _foreign_keys(on=True)


def upgrade():
    from survey_app.security import secret_box

    _migrate(
        new=sa.Column("totp_secret_encrypted", sa.String(length=512), nullable=True),
        old="totp_secret",
        convert=secret_box.encrypt,
        autoincrement=True,
    )


def downgrade():
    from survey_app.security import secret_box

    _migrate(
        new=sa.Column("totp_secret", sa.String(length=64), nullable=True),
        old="totp_secret_encrypted",
        convert=secret_box.decrypt,
        autoincrement=False,
    )
