"""Report jobs and cached reports in the database; procrastinate's queue on PostgreSQL

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 13:57:41.559107

Several app servers behind one load balancer must see the same report
builds and the same cached reports (issue 14, point 5): ``report_job`` and
``report_artefact`` replace a dictionary in each process and files on each
machine's disk.

On PostgreSQL the builds run through procrastinate (a job queue on
PostgreSQL). Its schema is applied here, from a copy of procrastinate's own
``schema.sql`` for the pinned version (``migrations/procrastinate/``), not
from the installed package: a migration must create the same schema whatever
version happens to be installed when it runs. It goes into its own
PostgreSQL schema, ``procrastinate``, so it never mixes with ours (the job
connections put it on their ``search_path``: survey_app/report_jobs/queue.py).
Upgrading procrastinate means a new migration applying its
``sql/migrations/*.sql`` files of the versions in between, in that schema;
a test compares the copy with the pinned package.
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

PROCRASTINATE_SCHEMA = (
    Path(__file__).resolve().parent.parent / "procrastinate" / "schema-3.10.0.sql"
)


def upgrade():
    op.create_table(
        "report_artefact",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("format IN ('pdf', 'html')", name=op.f("ck_report_artefact_format")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_report_artefact_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_artefact")),
        sa.UniqueConstraint(
            "organisation_id",
            "cache_key",
            "format",
            name=op.f("uq_report_artefact_organisation_id_cache_key_format"),
        ),
    )
    with op.batch_alter_table("report_artefact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_artefact_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_artefact_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "report_job",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("format IN ('pdf', 'html')", name=op.f("ck_report_job_format")),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_report_job_state")
        ),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_report_job_progress")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_report_job_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_report_job_requested_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_report_job_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_job")),
    )
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_job_lookup", ["organisation_id", "cache_key", "format"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_job_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_report_job_study_id"), ["study_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _create_procrastinate_schema()


def _create_procrastinate_schema() -> None:
    """procrastinate's tables, types and functions, in the ``procrastinate`` schema.

    The file holds several statements and PL/pgSQL bodies with ``%``: it goes
    to the driver as it is (psycopg runs a parameterless multi-statement
    string unchanged), in this migration's transaction. The search path is
    set for the file alone and put back, so later migrations are unaffected.
    """
    bind = op.get_bind()
    bind.exec_driver_sql("CREATE SCHEMA procrastinate")
    saved = bind.exec_driver_sql("SELECT current_setting('search_path')").scalar_one()
    bind.exec_driver_sql("SELECT set_config('search_path', 'procrastinate', true)")
    bind.connection.driver_connection.execute(PROCRASTINATE_SCHEMA.read_text(encoding="utf-8"))
    bind.exec_driver_sql("SELECT set_config('search_path', %(path)s, true)", {"path": saved})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SCHEMA IF EXISTS procrastinate CASCADE")
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_job_study_id"))
        batch_op.drop_index(batch_op.f("ix_report_job_organisation_id"))
        batch_op.drop_index("ix_report_job_lookup")

    op.drop_table("report_job")
    with op.batch_alter_table("report_artefact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_artefact_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_report_artefact_expires_at"))

    op.drop_table("report_artefact")
