"""scale: answers clustered by response on SQLite

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 04:20:00

On SQLite the answer table becomes a ``WITHOUT ROWID`` table: its rows are
stored in primary-key order (response, question), so reading a study's
answers walks each response's answers in place instead of looking every row
up a second time through the rowid, and the table takes half the space.
PostgreSQL already joins answers to responses with a hash join: no change.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = """
    response_id VARCHAR(32) NOT NULL,
    question_key VARCHAR(64) NOT NULL,
    value TEXT,
    number FLOAT,
    CONSTRAINT pk_answer PRIMARY KEY (response_id, question_key),
    CONSTRAINT fk_answer_response_id_response FOREIGN KEY(response_id)
        REFERENCES response (id) ON DELETE CASCADE
"""


def _rebuild_answer(table_option: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE TABLE answer_rebuilt ({_COLUMNS}){table_option}")
    op.execute(
        "INSERT INTO answer_rebuilt (response_id, question_key, value, number) "
        "SELECT response_id, question_key, value, number FROM answer"
    )
    op.execute("DROP TABLE answer")
    op.execute("ALTER TABLE answer_rebuilt RENAME TO answer")


def upgrade():
    _rebuild_answer(" WITHOUT ROWID")


def downgrade():
    _rebuild_answer("")
