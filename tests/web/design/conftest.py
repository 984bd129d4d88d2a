"""Designer web tests sign in a lot: hash passwords cheaply here.

Only the cost parameters change (argon2id still hashes and verifies), so the
sign-in code path is the real one; the strength of the production settings
is tested with the accounts, not here.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from survey_app.services import accounts

    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
