"""staff workflows: study enrolment, beneficiary language, SMS gateway

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-07 04:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrolled_from", sa.DateTime(), nullable=True))
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sms_url_encrypted", sa.Text(), nullable=True))
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


def downgrade():
    with op.batch_alter_table("study_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_enrolment_beneficiary_id"))
    op.drop_table("study_enrolment")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("sms_url_encrypted")
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_column("enrolled_from")
