"""Cheap password hashing for these tests only.

argon2id's production cost (64 MiB, 3 passes) is the point in production and
a minute of CPU across this folder; the behaviour under test does not depend
on the cost parameters, which travel inside each hash.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from survey_app.services import accounts


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))
