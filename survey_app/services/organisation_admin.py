"""An organisation's own settings and its sites, as changed by its administrators."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import Organisation, Site, User
from survey_app.services import audit
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.messages import translate

SITE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class OrganisationSettings:
    name: str
    contact_retention_days: int
    require_totp_for_admins: bool
    privacy_controller_name: str
    privacy_contact: str


def update_settings(
    session: Session, organisation: Organisation, settings: OrganisationSettings, *, actor: User
) -> list[str]:
    """Apply ``settings``; return the names of the fields that changed (for the audit)."""
    if not settings.name.strip():
        raise DomainError(translate("the organisation name must not be empty"))
    if not 1 <= settings.contact_retention_days <= MAX_RETENTION_DAYS:
        raise DomainError(
            translate("the retention must be between 1 and %(n)s days", n=MAX_RETENTION_DAYS)
        )
    changed = []
    for name in OrganisationSettings.__dataclass_fields__:
        value = getattr(settings, name)
        if isinstance(value, str):
            value = value.strip()
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if changed:
        audit.record(
            session,
            "organisation.settings",
            actor=actor,
            organisation_id=organisation.id,
            object_type="organisation",
            object_id=organisation.id,
            details={"changed": changed},
        )
    session.flush()
    return changed


def get_site(session: Session, organisation_id: int, site_id: int) -> Site:
    site = session.scalar(
        select(Site).where(Site.id == site_id, Site.organisation_id == organisation_id)
    )
    if site is None:
        raise NotFound(translate("no such site in this organisation"))
    return site


def _check_site_fields(code: str, name: str, address: str) -> None:
    if not SITE_CODE_PATTERN.match(code):
        raise DomainError(
            translate("the site code must be 1 to 40 letters, digits, dashes or underscores")
        )
    if not name.strip() or len(name) > 200:
        raise DomainError(translate("the site name must have 1 to 200 characters"))
    if len(address) > 1000:
        raise DomainError(translate("the address must have at most 1000 characters"))


def create_site(
    session: Session, organisation_id: int, *, code: str, name: str, address: str, actor: User
) -> Site:
    code = code.strip()
    _check_site_fields(code, name, address)
    exists = session.scalar(
        select(Site.id).where(Site.organisation_id == organisation_id, Site.code == code)
    )
    if exists is not None:
        raise Conflict(translate("a site with this code already exists"))
    site = Site(
        organisation_id=organisation_id, code=code, name=name.strip(), address=address.strip()
    )
    session.add(site)
    session.flush()
    audit.record(
        session,
        "site.create",
        actor=actor,
        organisation_id=organisation_id,
        object_type="site",
        object_id=site.id,
    )
    return site


def update_site(session: Session, site: Site, *, name: str, address: str, actor: User) -> None:
    """Rename a site. Its code stays: reports and imports refer to it."""
    _check_site_fields(site.code, name, address)
    site.name = name.strip()
    site.address = address.strip()
    audit.record(
        session,
        "site.update",
        actor=actor,
        organisation_id=site.organisation_id,
        object_type="site",
        object_id=site.id,
    )
    session.flush()


def set_site_active(session: Session, site: Site, active: bool, *, actor: User) -> None:
    """Deactivate (no new beneficiaries or studies; history kept) or reactivate a site."""
    if site.active == active:
        return
    site.active = active
    audit.record(
        session,
        "site.activate" if active else "site.deactivate",
        actor=actor,
        organisation_id=site.organisation_id,
        object_type="site",
        object_id=site.id,
    )
    session.flush()
