"""Studies, their waves and their anonymous open links.

A study belongs to one organisation, covers chosen sites and binds each wave
to a *published* questionnaire version of that organisation. Status moves
active ⇄ paused → closed (closed is final). Every change is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from survey_app.models import (
    Beneficiary,
    Invitation,
    OpenLink,
    Organisation,
    Questionnaire,
    QuestionnaireVersion,
    Site,
    Study,
    StudyEnrolment,
    StudySite,
    User,
    Wave,
    utcnow,
)
from survey_app.services import audit
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.tokens import hash_secret, new_link_token

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
WAVE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

# Allowed status changes: action -> (statuses it applies to, new status).
STATUS_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "pause": (("active",), "paused"),
    "resume": (("paused",), "active"),
    "close": (("active", "paused"), "closed"),
}


@dataclass(frozen=True)
class WavePlan:
    key: str
    kind: str  # baseline | follow_up | exit
    delay_days: int
    version: QuestionnaireVersion


def _check_version(version: QuestionnaireVersion, organisation_id: int, wave_key: str) -> None:
    if version.questionnaire.organisation_id != organisation_id:
        raise NotFound("questionnaire version not found")
    if version.status != "published":
        raise DomainError(
            _(
                "Wave %(wave)s: only a published questionnaire version can be used.",
                wave=wave_key,
            )
        )


def _check_plans(waves: list[WavePlan], organisation_id: int) -> None:
    if not waves or waves[0].kind != "baseline":
        raise DomainError(_("A study starts with a baseline wave."))
    keys = [plan.key for plan in waves]
    if len(set(keys)) != len(keys):
        raise DomainError(_("Two waves have the same key."))
    for position, plan in enumerate(waves):
        if not WAVE_KEY_RE.match(plan.key):
            raise DomainError(
                _("Wave key %(key)s: use lower-case letters, digits and _.", key=plan.key)
            )
        if plan.kind not in ("baseline", "follow_up", "exit"):
            raise DomainError(f"unknown wave kind {plan.kind!r}")
        if position > 0 and plan.kind == "baseline":
            raise DomainError(_("A study has only one baseline wave."))
        if plan.delay_days < 0 or (position > 0 and plan.delay_days < 1):
            raise DomainError(
                _("Wave %(wave)s: the delay must be at least one day.", wave=plan.key)
            )
        _check_version(plan.version, organisation_id, plan.key)


def create_study(
    session: Session,
    organisation: Organisation,
    *,
    slug: str,
    title: str,
    sites: list[Site],
    waves: list[WavePlan],
    invitation_validity_days: int = 30,
    description: str = "",
    actor: User | None = None,
    enrol: str = "all",
    enrol_codes: list[str] | None = None,
) -> Study:
    """Create a study with its waves (baseline first) covering ``sites``.

    ``enrol`` says who takes part (nobody is enrolled silently): ``all`` the
    beneficiaries of the covered sites, now and later; ``selection`` the
    people whose codes are given (of the covered sites) and people registered
    later; ``none`` only people registered from now on.
    """
    if not SLUG_RE.match(slug):
        raise DomainError(
            _("The short name may only contain lower-case letters, digits and dashes.")
        )
    if session.scalar(
        select(Study).where(Study.organisation_id == organisation.id, Study.slug == slug)
    ):
        raise Conflict(_("A study with the short name %(slug)s already exists.", slug=slug))
    if not sites:
        raise DomainError(_("Choose at least one site."))
    if invitation_validity_days < 1:
        raise DomainError(_("Invitations must stay valid at least one day."))
    for site in sites:
        if site.organisation_id != organisation.id:
            raise NotFound("site not found")
    _check_plans(waves, organisation.id)
    if enrol not in ("all", "selection", "none"):
        raise DomainError(f"unknown enrolment {enrol!r}")
    chosen = _enrolled_people(session, organisation.id, sites, enrol_codes or [], enrol)
    now = utcnow()
    study = Study(
        organisation_id=organisation.id,
        slug=slug,
        title=title,
        description=description,
        invitation_validity_days=invitation_validity_days,
        enrolled_from=None if enrol == "all" else now,
    )
    session.add(study)
    session.flush()
    for site in sites:
        session.add(StudySite(study_id=study.id, site_id=site.id))
    for beneficiary_id in chosen:
        session.add(
            StudyEnrolment(study_id=study.id, beneficiary_id=beneficiary_id, created_at=now)
        )
    for position, plan in enumerate(waves):
        session.add(
            Wave(
                study_id=study.id,
                key=plan.key,
                kind=plan.kind,
                position=position,
                delay_days=plan.delay_days,
                questionnaire_version_id=plan.version.id,
            )
        )
    session.flush()
    session.refresh(study)
    audit.record(
        session,
        "study.create",
        actor=actor,
        actor_label="" if actor else "system",
        organisation_id=organisation.id,
        object_type="study",
        object_id=study.slug,
        details={
            "waves": [plan.key for plan in waves],
            "sites": [s.code for s in sites],
            "enrol": enrol,
            "enrolled": len(chosen),
        },
    )
    return study


def _enrolled_people(
    session: Session, organisation_id: int, sites: list[Site], codes: list[str], enrol: str
) -> list[int]:
    """Ids of the listed beneficiaries; every unknown code is named."""
    if enrol != "selection":
        return []
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not wanted:
        raise DomainError(_("List the codes of the people who take part, one per line."))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        found.update(
            (code, beneficiary_id)
            for code, beneficiary_id in session.execute(
                select(Beneficiary.code, Beneficiary.id).where(
                    Beneficiary.organisation_id == organisation_id,
                    Beneficiary.site_id.in_([site.id for site in sites]),
                    Beneficiary.code.in_(wanted[start : start + 500]),
                )
            ).all()
        )
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise DomainError(
            _(
                "No beneficiary of the chosen sites has the code: %(codes)s.",
                codes=", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else ""),
            )
        )
    return [found[code] for code in wanted]


def get_study(session: Session, organisation_id: int, slug: str) -> Study:
    study = session.scalar(
        select(Study).where(Study.organisation_id == organisation_id, Study.slug == slug)
    )
    if study is None:
        raise NotFound(f"no study {slug!r} in this organisation")
    return study


def list_studies(session: Session, organisation_id: int) -> list[Study]:
    return list(
        session.scalars(
            select(Study).where(Study.organisation_id == organisation_id).order_by(Study.title)
        ).all()
    )


def most_recent_study(session: Session, organisation_id: int) -> Study | None:
    """The newest active study (else the newest of any status)."""
    return session.scalar(
        select(Study)
        .where(Study.organisation_id == organisation_id)
        .order_by((Study.status == "active").desc(), Study.created_at.desc(), Study.id.desc())
        .limit(1)
    )


def invitation_counts(session: Session, organisation_id: int) -> dict[int, tuple[int, int]]:
    """Per study: (invitations handed over, answered), counted by the database."""
    rows = session.execute(
        select(
            Wave.study_id,
            func.count(Invitation.id).filter(
                or_(Invitation.sent_at.is_not(None), Invitation.completed_at.is_not(None))
            ),
            func.count(Invitation.completed_at),
        )
        .join(Invitation, Invitation.wave_id == Wave.id)
        .join(Study, Study.id == Wave.study_id)
        .where(Study.organisation_id == organisation_id)
        .group_by(Wave.study_id)
    ).all()
    return {study_id: (int(invited), int(answered)) for study_id, invited, answered in rows}


def organisation_sites(session: Session, organisation_id: int) -> list[Site]:
    return list(
        session.scalars(
            select(Site).where(Site.organisation_id == organisation_id).order_by(Site.code)
        ).all()
    )


def published_versions(session: Session, organisation_id: int) -> list[QuestionnaireVersion]:
    """The organisation's published versions, newest first within each questionnaire."""
    return list(
        session.scalars(
            select(QuestionnaireVersion)
            .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
            .where(
                Questionnaire.organisation_id == organisation_id,
                QuestionnaireVersion.status == "published",
            )
            .order_by(Questionnaire.key, QuestionnaireVersion.number.desc())
        ).all()
    )


def get_published_version(
    session: Session, organisation_id: int, version_id: int
) -> QuestionnaireVersion:
    version = session.scalar(
        select(QuestionnaireVersion)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .where(
            QuestionnaireVersion.id == version_id,
            Questionnaire.organisation_id == organisation_id,
        )
    )
    if version is None:
        raise NotFound("questionnaire version not found")
    if version.status != "published":
        raise DomainError(_("Only a published questionnaire version can be used."))
    return version


def get_site(session: Session, organisation_id: int, site_id: int) -> Site:
    site = session.scalar(
        select(Site).where(Site.id == site_id, Site.organisation_id == organisation_id)
    )
    if site is None:
        raise NotFound("site not found")
    return site


def update_study(
    session: Session,
    study: Study,
    *,
    title: str,
    description: str,
    invitation_validity_days: int,
    sites: list[Site],
    delays: dict[str, int],
    actor: User | None = None,
) -> Study:
    """Change what may change without invalidating answers already given.

    Wave keys, kinds and order are fixed once created (answers point at
    them); delays apply to follow-ups created from now on.
    """
    if study.status == "closed":
        raise Conflict(_("A closed study cannot be changed."))
    if not sites:
        raise DomainError(_("Choose at least one site."))
    if invitation_validity_days < 1:
        raise DomainError(_("Invitations must stay valid at least one day."))
    for site in sites:
        if site.organisation_id != study.organisation_id:
            raise NotFound("site not found")
    for wave in study.waves:
        if wave.key in delays and wave.kind != "baseline" and delays[wave.key] < 1:
            raise DomainError(
                _("Wave %(wave)s: the delay must be at least one day.", wave=wave.key)
            )
    study.title = title
    study.description = description
    study.invitation_validity_days = invitation_validity_days
    wanted = {site.id for site in sites}
    current = set(
        session.scalars(select(StudySite.site_id).where(StudySite.study_id == study.id)).all()
    )
    for site_id in current - wanted:
        session.delete(session.get(StudySite, (study.id, site_id)))
    for site_id in sorted(wanted - current):
        session.add(StudySite(study_id=study.id, site_id=site_id))
    for wave in study.waves:
        if wave.key in delays and wave.kind != "baseline":
            wave.delay_days = delays[wave.key]
    session.flush()
    session.expire(study, ["sites"])
    _audit_study(session, "study.update", study, actor, {"sites": sorted(wanted), "delays": delays})
    return study


def change_status(
    session: Session, study: Study, action: str, *, actor: User | None = None
) -> Study:
    """Pause, resume or close a study (``study.pause`` / ``.resume`` / ``.close``)."""
    if action not in STATUS_ACTIONS:
        raise DomainError(f"unknown action {action!r}")
    allowed_from, new_status = STATUS_ACTIONS[action]
    if study.status not in allowed_from:
        raise Conflict(
            _("This study is %(status)s: it cannot be changed that way.", status=study.status)
        )
    previous = study.status
    study.status = new_status
    if new_status == "closed":
        for link in study_open_links(session, study):
            if link.active:
                link.active = False
                link.closed_at = utcnow()
    session.flush()
    _audit_study(session, f"study.{action}", study, actor, {"from": previous, "to": new_status})
    return study


def wave_name(kind: str, position: int) -> str:
    """What staff call a wave: "Start of support", "Follow-up 2", "End of support".

    The same words as the ``wave_name`` template macro; the key (``followup1``)
    is an identifier for files and the API, not for people.
    """
    if kind == "baseline":
        return _("Start of support")
    if kind == "exit":
        return _("End of support")
    return _("Follow-up %(n)s", n=position)


def wave_names(session: Session, organisation_id: int) -> dict[tuple[str, str], str]:
    """``{(study slug, wave key): name}`` for every wave of the organisation (one query)."""
    rows = session.execute(
        select(Study.slug, Wave.key, Wave.kind, Wave.position)
        .join(Wave, Wave.study_id == Study.id)
        .where(Study.organisation_id == organisation_id)
    )
    return {(slug, key): wave_name(kind, position) for slug, key, kind, position in rows}


def version_usage_names(
    session: Session, organisation_id: int, questionnaire_id: int
) -> dict[int, list[str]]:
    """``{version id: ["Study title — Follow-up 1", ...]}``: the study waves using each
    version of a questionnaire, in words (the designer's version table)."""
    rows = session.execute(
        select(Wave.questionnaire_version_id, Study.title, Wave.kind, Wave.position)
        .join(Study, Study.id == Wave.study_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Wave.questionnaire_version_id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            Study.organisation_id == organisation_id,
        )
        .order_by(Study.title, Wave.position)
    )
    usage: dict[int, list[str]] = {}
    for version_id, title, kind, position in rows:
        usage.setdefault(version_id, []).append(f"{title} — {wave_name(kind, position)}")
    return usage


def get_wave(study: Study, key: str) -> Wave:
    for wave in study.waves:
        if wave.key == key:
            return wave
    raise NotFound("wave not found")


def newer_versions(session: Session, wave: Wave) -> list[QuestionnaireVersion]:
    """Published versions of the wave's questionnaire newer than the one it uses."""
    current = wave.questionnaire_version
    return list(
        session.scalars(
            select(QuestionnaireVersion)
            .where(
                QuestionnaireVersion.questionnaire_id == current.questionnaire_id,
                QuestionnaireVersion.status == "published",
                QuestionnaireVersion.number > current.number,
            )
            .order_by(QuestionnaireVersion.number.desc())
        ).all()
    )


def move_wave_to_version(
    session: Session, wave: Wave, version: QuestionnaireVersion, *, actor: User | None = None
) -> Wave:
    """Point a wave at a newer published version of the same questionnaire.

    Responses already started keep the version they were started with
    (``response.questionnaire_version_id``); new ones use the new version.
    """
    study = wave.study
    if study.status == "closed":
        raise Conflict(_("A closed study cannot be changed."))
    _check_version(version, study.organisation_id, wave.key)
    current = wave.questionnaire_version
    if version.questionnaire_id != current.questionnaire_id or version.number <= current.number:
        raise DomainError(_("Choose a newer published version of the same questionnaire."))
    wave.questionnaire_version_id = version.id
    session.flush()
    session.expire(wave, ["questionnaire_version"])
    _audit_study(
        session,
        "study.wave_version",
        study,
        actor,
        {"wave": wave.key, "from": current.label, "to": version.label},
    )
    return wave


# --- open links --------------------------------------------------------------


def study_open_links(session: Session, study: Study) -> list[OpenLink]:
    return list(
        session.scalars(
            select(OpenLink).where(OpenLink.study_id == study.id).order_by(OpenLink.created_at)
        ).all()
    )


def create_open_link(
    session: Session, study: Study, site: Site, wave: Wave, *, actor: User | None = None
) -> tuple[OpenLink, str]:
    """An anonymous link for one site and wave; the token is returned once.

    One active link per (site, wave): creating a new one deactivates the
    previous, so a poster that was taken down can be replaced.
    """
    if study.status == "closed":
        raise Conflict(_("A closed study cannot be changed."))
    if site.organisation_id != study.organisation_id or wave.study_id != study.id:
        raise NotFound("site or wave not found")
    if site.id not in {s.id for s in study.sites}:
        raise DomainError(_("This study does not cover the chosen site."))
    now = utcnow()
    for link in study_open_links(session, study):
        if link.active and link.site_id == site.id and link.wave_id == wave.id:
            link.active = False
            link.closed_at = now
    token = new_link_token()
    link = OpenLink(
        study_id=study.id,
        site_id=site.id,
        wave_id=wave.id,
        token_hash=hash_secret(token),
        created_at=now,
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        "study.open_link_create",
        actor=actor,
        organisation_id=study.organisation_id,
        object_type="open_link",
        object_id=link.id,
        details={"study": study.slug, "site": site.code, "wave": wave.key},
    )
    return link, token


def deactivate_open_link(
    session: Session, study: Study, link_id: int, *, actor: User | None = None
) -> OpenLink:
    link = session.scalar(
        select(OpenLink).where(OpenLink.id == link_id, OpenLink.study_id == study.id)
    )
    if link is None:
        raise NotFound("open link not found")
    if link.active:
        link.active = False
        link.closed_at = utcnow()
        session.flush()
        audit.record(
            session,
            "study.open_link_deactivate",
            actor=actor,
            organisation_id=study.organisation_id,
            object_type="open_link",
            object_id=link.id,
            details={"study": study.slug},
        )
    return link


def _audit_study(
    session: Session, action: str, study: Study, actor: User | None, details: dict[str, Any]
) -> None:
    """Every study change is audited the same way: by slug, never with personal data."""
    audit.record(
        session,
        action,
        actor=actor,
        organisation_id=study.organisation_id,
        object_type="study",
        object_id=study.slug,
        details=details,
    )
