"""staff workflows: study enrolment, beneficiary language, SMS gateway and channel,
message templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 04:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


OLD_CHANNELS = "channel IN ('link', 'qr', 'card', 'email', 'assisted')"
NEW_CHANNELS = "channel IN ('link', 'qr', 'card', 'email', 'sms', 'assisted')"


#: Tables 0002 rebuilt with AUTOINCREMENT: a batch rebuild on SQLite must keep it.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_keys(on: bool) -> None:
    """Off while SQLite copies tables: dropping the old copy would cascade deletes.

    PRAGMA foreign_keys only works outside a transaction (as in 0002).
    """
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    op.get_bind().connection.dbapi_connection.isolation_level = None


def _check_foreign_keys() -> None:
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by the table rebuild: {broken[:5]}")


def upgrade():
    sqlite = _is_sqlite()
    if sqlite:
        _foreign_keys(on=False)
    _upgrade()
    if sqlite:
        _check_foreign_keys()
        _foreign_keys(on=True)


def downgrade():
    sqlite = _is_sqlite()
    if sqlite:
        _foreign_keys(on=False)
    _downgrade()
    if sqlite:
        _check_foreign_keys()
        _foreign_keys(on=True)


def _upgrade():
    with op.batch_alter_table("invitation", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_invitation_channel_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_invitation_channel_known"), NEW_CHANNELS)
    op.create_table(
        "message_template",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'sms')", name=op.f("ck_message_template_channel_known")
        ),
        sa.CheckConstraint(
            "kind IN ('invitation', 'reminder')", name=op.f("ck_message_template_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_message_template_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_template")),
        sa.UniqueConstraint(
            "organisation_id",
            "channel",
            "kind",
            "language",
            name=op.f("uq_message_template_organisation_id_channel_kind_language"),
        ),
    )
    with op.batch_alter_table("message_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_template_organisation_id"), ["organisation_id"], unique=False
        )
    with op.batch_alter_table("study", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.add_column(sa.Column("enrolled_from", sa.DateTime(), nullable=True))
    with op.batch_alter_table("beneficiary", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
    with op.batch_alter_table("open_link", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.add_column(sa.Column("token_sealed", sa.Text(), nullable=True))
    with op.batch_alter_table("organisation", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.add_column(sa.Column("sms_url_encrypted", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("text_retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("token_retention_days", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_organisation_text_retention_positive"),
            "text_retention_days IS NULL OR text_retention_days >= 1",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_organisation_token_retention_not_negative"),
            "token_retention_days >= 0",
        )
    op.create_table(
        "study_enrolment",
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiary.id"],
            name=op.f("fk_study_enrolment_beneficiary_id_beneficiary"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_enrolment_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "beneficiary_id", name=op.f("pk_study_enrolment")),
    )
    with op.batch_alter_table("study_enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_study_enrolment_beneficiary_id"), ["beneficiary_id"], unique=False
        )


def _downgrade():
    with op.batch_alter_table("message_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_template_organisation_id"))
    op.drop_table("message_template")
    op.execute("UPDATE invitation SET channel = 'link' WHERE channel = 'sms'")
    with op.batch_alter_table("invitation", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_invitation_channel_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_invitation_channel_known"), OLD_CHANNELS)
    with op.batch_alter_table("study_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_enrolment_beneficiary_id"))
    op.drop_table("study_enrolment")
    with op.batch_alter_table("organisation", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_organisation_token_retention_not_negative"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("ck_organisation_text_retention_positive"), type_="check"
        )
        batch_op.drop_column("token_retention_days")
        batch_op.drop_column("text_retention_days")
        batch_op.drop_column("sms_url_encrypted")
    with op.batch_alter_table("open_link", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_column("token_sealed")
    with op.batch_alter_table("beneficiary", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("study", schema=None, table_kwargs=NEVER_REUSE_IDS) as batch_op:
        batch_op.drop_column("enrolled_from")
