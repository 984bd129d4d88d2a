"""scripts/backup.sh and scripts/restore.sh give back the same data and the same report.

Each test works on databases of its own (a SQLite file, or a database created
on the test PostgreSQL server) because the shared test database lives inside
a rolled-back transaction that ``pg_dump`` and ``sqlite3`` would never see.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.services.demo import seed_demo
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_app,
    migrate_to_head,
)
from tests.factories import make_beneficiary, make_organisation, make_site

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"
TOOLS = {"sqlite": ("sqlite3",), "postgresql": ("pg_dump", "pg_restore", "psql")}


@pytest.fixture
def new_database(database_backend: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of empty databases of the backend under test, removed afterwards."""
    missing = [tool for tool in TOOLS[database_backend] if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    created: list[str] = []

    def make(name: str) -> str:
        if database_backend == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        url = create_postgres_database(f"ecoute_backup_{name}")
        created.append(url)
        return url

    yield make
    for url in created:
        drop_postgres_database(url)


def run_script(script: Path, *args: str, database_url: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [str(script), *args], env=environment, capture_output=True, text=True, timeout=120
    )


def app_on(url: str) -> Flask:
    return make_test_app(url)


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def seeded_database(url: str) -> None:
    """Migrate and fill with the demo organisation (≈300 people, two waves), committed."""
    app = app_on(url)
    migrate_to_head(app)
    with app.app_context():
        seed_demo(db.session, app.config["SECRET_KEY"])
        db.session.commit()
    close(app)


def small_database(url: str) -> None:
    """Migrate and add one organisation with a site and a person, committed."""
    app = app_on(url)
    migrate_to_head(app)
    with app.app_context():
        organisation = make_organisation(db.session, slug="small")
        make_beneficiary(db.session, organisation, make_site(db.session, organisation))
        db.session.commit()
    close(app)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every table, in primary-key order."""
    app = app_on(url)
    digests = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows = [[_plain(value) for value in row] for row in db.session.execute(query).all()]
            encoded = json.dumps(rows, sort_keys=True, default=str).encode()
            digests[table.name] = (len(rows), hashlib.sha256(encoded).hexdigest())
    close(app)
    return digests


def report_numbers(url: str) -> dict[str, Any]:
    """What the director's report is computed from: ``indicators demo --json``."""
    app = app_on(url)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["indicators", "demo", "--json"])
    close(app)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(result.output)


def test_backup_then_restore_gives_the_same_data_and_report(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    source = new_database("source")
    seeded_database(source)
    before_tables = table_digests(source)
    before_report = report_numbers(source)
    assert before_tables["answer"][0] > 1000, "the demo data should have been seeded"

    backup_file = tmp_path / "ecoute.backup"
    made = run_script(BACKUP, str(backup_file), database_url=source)
    assert made.returncode == 0, made.stderr
    assert backup_file.stat().st_size > 0
    assert oct(backup_file.stat().st_mode & 0o777) == "0o600", "backups hold personal data"

    target = new_database("target")
    restored = run_script(RESTORE, str(backup_file), database_url=target)
    assert restored.returncode == 0, restored.stderr

    assert table_digests(target) == before_tables
    assert report_numbers(target) == before_report


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    source = new_database("source")
    small_database(source)
    backup_file = tmp_path / "ecoute.backup"
    assert run_script(BACKUP, str(backup_file), database_url=source).returncode == 0

    target = new_database("busy")
    app = app_on(target)
    migrate_to_head(app)
    close(app)
    before = table_digests(target)

    refused = run_script(RESTORE, str(backup_file), database_url=target)

    assert refused.returncode != 0
    assert "--replace" in refused.stderr
    assert table_digests(target) == before

    replaced = run_script(RESTORE, "--replace", str(backup_file), database_url=target)
    assert replaced.returncode == 0, replaced.stderr
    assert table_digests(target) == table_digests(source)


def test_restore_rejects_a_file_that_is_not_a_backup(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup\n")
    target = new_database("target")

    refused = run_script(RESTORE, str(bogus), database_url=target)

    assert refused.returncode != 0
    assert "notes.txt" in refused.stderr
    missing = run_script(RESTORE, str(tmp_path / "nowhere.dump"), database_url=target)
    assert missing.returncode != 0
    assert "does not exist" in missing.stderr


def test_backup_never_overwrites_an_existing_file(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    source = new_database("source")
    app = app_on(source)
    migrate_to_head(app)
    close(app)
    existing = tmp_path / "keep.me"
    existing.write_text("precious\n")

    refused = run_script(BACKUP, str(existing), database_url=source)

    assert refused.returncode != 0
    assert "already exists" in refused.stderr
    assert existing.read_text() == "precious\n"


def test_backup_into_the_backup_directory_is_timestamped(
    new_database: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = new_database("source")
    app = app_on(source)
    migrate_to_head(app)
    close(app)
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))

    made = run_script(BACKUP, database_url=source)

    assert made.returncode == 0, made.stderr
    written = Path(made.stdout.strip())
    assert written.parent == tmp_path / "backups"
    assert written.name.startswith("ecoute-")
    assert written.exists()
