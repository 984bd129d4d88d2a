"""Production password hashing: argon2id at its real cost.

Every other test hashes cheaply (``tests/conftest.py``, fixture
``_cheap_password_hashing``); these tests keep the production hasher so a
weakened setting in ``survey_app.services.accounts`` still fails the suite.
"""

from __future__ import annotations

import pytest
from argon2 import extract_parameters
from argon2.low_level import Type

from survey_app.services import accounts

pytestmark = pytest.mark.production_password_hashing


def test_staff_passwords_are_hashed_with_argon2id_at_the_rfc_9106_low_memory_cost() -> None:
    password_hash = accounts.hash_password("correct horse battery staple")

    parameters = extract_parameters(password_hash)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 64 * 1024  # KiB: 64 MiB
    assert parameters.time_cost >= 3
    assert accounts.verify_password(password_hash, "correct horse battery staple")
    assert not accounts.verify_password(password_hash, "correct horse battery stapler")


def test_a_hash_made_at_a_lower_cost_is_flagged_for_rehashing_and_still_verifies() -> None:
    from argon2 import PasswordHasher

    from tests.conftest import CHEAP_ARGON2

    cheap_hash = PasswordHasher(**CHEAP_ARGON2).hash("correct horse battery staple")

    assert accounts._hasher.check_needs_rehash(cheap_hash)
    assert accounts.verify_password(cheap_hash, "correct horse battery staple")


def test_unknown_accounts_are_checked_against_a_hash_of_the_same_cost() -> None:
    parameters = extract_parameters(accounts._dummy_hash())

    assert parameters == extract_parameters(accounts.hash_password("anything at all"))
