"""Every test in this folder runs once on SQLite and once on PostgreSQL."""

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database_backend(request: pytest.FixtureRequest) -> str:
    return request.param
