"""Factory functions for test data: each takes the session and returns a flushed object."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from survey_app.models import Beneficiary, Organisation, Role, Site, User
from survey_app.services import accounts

_counter = itertools.count(1)
TEST_PASSWORD = "correct horse battery staple"


def make_organisation(session: Session, slug: str | None = None, **fields: Any) -> Organisation:
    number = next(_counter)
    organisation = Organisation(
        slug=slug or f"org-{number}", name=fields.pop("name", f"Organisation {number}"), **fields
    )
    session.add(organisation)
    session.flush()
    return organisation


def make_site(session: Session, organisation: Organisation, code: str | None = None) -> Site:
    number = next(_counter)
    site = Site(organisation_id=organisation.id, code=code or f"S{number}", name=f"Site {number}")
    session.add(site)
    session.flush()
    return site


def make_user(
    session: Session,
    organisation: Organisation,
    role: Role = Role.DIRECTOR,
    email: str | None = None,
    password: str = TEST_PASSWORD,
) -> User:
    user, _created = accounts.create_or_update_user(
        session,
        email or f"user{next(_counter)}@example.org",
        organisation=organisation,
        role=role,
        password=password,
    )
    return user


def make_beneficiary(
    session: Session, organisation: Organisation, site: Site, code: str | None = None
) -> Beneficiary:
    beneficiary = Beneficiary(
        organisation_id=organisation.id,
        site_id=site.id,
        code=code or f"B-{next(_counter):05d}",
        support_started_on=date(2026, 1, 5),
    )
    session.add(beneficiary)
    session.flush()
    return beneficiary


def login(client: Any, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post("/auth/login", data={"email": email, "password": password})
