"""GDPR retention: what ``flask --app wsgi retention apply`` purges, idempotently.

Per organisation:

* **Contact details** (``beneficiary_contact``) are deleted ``contact_retention_days``
  after the beneficiary's last wave. The last wave is over when every invitation
  is finished (completed, or expired) and no wave of a study still running is
  waiting to be sent — unless the person's support has ended, after which no
  further wave will come. A beneficiary never invited keeps their contact until
  ``contact_retention_days`` after the end of their support.
* **Tokens of completed invitations** are replaced by unusable values (a
  ``revoked:`` marker that no SHA-256 digest can equal; the short code is
  cleared) ``token_retention_days`` after completion (0: at the next run), so
  an old link or printed card opens nothing even if the response page ever
  stopped checking completion.
* **Free-text answers** are blanked (value set to NULL: "shown, no text")
  ``text_retention_days`` after the response was completed, when the
  organisation set that period; closed answers are kept.

Housekeeping (all organisations): ended staff sessions, used or expired
password-reset tokens, spent second-factor markers and stale login counters.

Running it twice purges nothing the second time.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import ModuleType

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from survey_app.models import (
    Answer,
    Beneficiary,
    BeneficiaryContact,
    Invitation,
    Organisation,
    PasswordResetToken,
    QuestionnaireVersion,
    RateLimitCounter,
    Response,
    Study,
    UserSession,
    Wave,
    utcnow,
)
from survey_app.services import audit, throttle

REVOKED_PREFIX = "revoked:"


@dataclass
class OrganisationPurge:
    slug: str
    contacts_purged: int = 0
    tokens_invalidated: int = 0
    texts_blanked: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.contacts_purged or self.tokens_invalidated or self.texts_blanked)


@dataclass
class RetentionReport:
    organisations: list[OrganisationPurge] = field(default_factory=list)
    sessions_purged: int = 0
    reset_tokens_purged: int = 0
    counters_purged: int = 0
    report_files_purged: int = 0

    @property
    def anything(self) -> bool:
        return any(o.anything for o in self.organisations) or bool(
            self.sessions_purged
            or self.reset_tokens_purged
            or self.counters_purged
            or self.report_files_purged
        )


def unusable_token_hash() -> str:
    """64 characters that can never equal a SHA-256 hex digest (it contains ``:``)."""
    return REVOKED_PREFIX + secrets.token_hex(28)


def _finished_at(invitation: Invitation, now: datetime) -> datetime | None:
    """When the invitation stopped being answerable, or None while it still can be."""
    if invitation.completed_at is not None:
        return invitation.completed_at
    if invitation.expired_at is not None:
        return invitation.expired_at
    if invitation.expires_at <= now:
        return invitation.expires_at
    return None


def _as_datetime(day: date) -> datetime:
    return datetime.combine(day, time.min)


def contact_purge_due(
    beneficiary: Beneficiary,
    invitations: list[Invitation],
    waves_by_study: dict[int, set[int]],
    open_study_ids: set[int],
    retention: timedelta,
    now: datetime,
) -> bool:
    """Whether ``retention`` has passed since this beneficiary's last wave."""
    ended = beneficiary.support_ended_on
    if not invitations:
        return ended is not None and _as_datetime(ended) + retention <= now
    finished = [_finished_at(invitation, now) for invitation in invitations]
    if any(moment is None for moment in finished):
        return False
    if ended is None:
        invited_waves = {invitation.wave_id for invitation in invitations}
        studies = {invitation.wave.study_id for invitation in invitations}
        for study_id in studies & open_study_ids:
            if waves_by_study.get(study_id, set()) - invited_waves:
                return False  # a later wave of a running study is still to come
    last = max(moment for moment in finished if moment is not None)
    if ended is not None:
        last = max(last, _as_datetime(ended))
    return last + retention <= now


def _purge_contacts(session: Session, organisation: Organisation, now: datetime) -> int:
    rows = session.execute(
        select(Beneficiary)
        .join(BeneficiaryContact, BeneficiaryContact.beneficiary_id == Beneficiary.id)
        .where(Beneficiary.organisation_id == organisation.id)
    ).scalars()
    beneficiaries = list(rows)
    if not beneficiaries:
        return 0
    ids = [b.id for b in beneficiaries]
    invitations_of: dict[int, list[Invitation]] = defaultdict(list)
    for invitation in session.scalars(
        select(Invitation).where(Invitation.beneficiary_id.in_(ids))
    ).all():
        invitations_of[invitation.beneficiary_id].append(invitation)
    waves_by_study: dict[int, set[int]] = defaultdict(set)
    open_study_ids: set[int] = set()
    for wave_id, study_id, status in session.execute(
        select(Wave.id, Wave.study_id, Study.status)
        .join(Study, Study.id == Wave.study_id)
        .where(Study.organisation_id == organisation.id)
    ).all():
        waves_by_study[study_id].add(wave_id)
        if status != "closed":
            open_study_ids.add(study_id)
    retention = timedelta(days=organisation.contact_retention_days)
    due = [
        b.id
        for b in beneficiaries
        if contact_purge_due(
            b, invitations_of[b.id], waves_by_study, open_study_ids, retention, now
        )
    ]
    if due:
        session.execute(
            delete(BeneficiaryContact).where(BeneficiaryContact.beneficiary_id.in_(due))
        )
        for b in beneficiaries:
            if b.id in due:
                session.expire(b, ["contact"])
    return len(due)


def _invalidate_completed_tokens(
    session: Session, organisation: Organisation, now: datetime | None = None
) -> int:
    completed_before = (now or utcnow()) - timedelta(days=organisation.token_retention_days)
    invitations = session.scalars(
        select(Invitation)
        .join(Beneficiary, Beneficiary.id == Invitation.beneficiary_id)
        .where(
            Beneficiary.organisation_id == organisation.id,
            Invitation.completed_at.is_not(None),
            Invitation.completed_at <= completed_before,
            or_(
                Invitation.token_hash.not_like(REVOKED_PREFIX + "%"),
                Invitation.short_code_hash.is_not(None),
            ),
        )
    ).all()
    for invitation in invitations:
        if not invitation.token_hash.startswith(REVOKED_PREFIX):
            invitation.token_hash = unusable_token_hash()
        invitation.short_code_hash = None
    session.flush()
    return len(invitations)


def _blank_free_text(session: Session, organisation: Organisation, now: datetime) -> int:
    """Blank free-text answers completed more than ``text_retention_days`` ago."""
    if organisation.text_retention_days is None:
        return 0
    import questionnaires

    completed_before = now - timedelta(days=organisation.text_retention_days)
    version_ids = set(
        session.scalars(
            select(Response.questionnaire_version_id)
            .where(
                Response.organisation_id == organisation.id,
                Response.completed_at <= completed_before,
            )
            .distinct()
        )
    )
    blanked = 0
    for version in session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids))
    ):
        definition = questionnaires.load_definition(version.definition, source_name=version.label)
        keys = [q.key for q in definition.questions if q.type in ("text_short", "text_long")]
        if not keys:
            continue
        responses = (
            select(Response.id)
            .where(
                Response.organisation_id == organisation.id,
                Response.questionnaire_version_id == version.id,
                Response.completed_at <= completed_before,
            )
            .scalar_subquery()
        )
        blanked += int(
            session.execute(
                update(Answer)
                .where(
                    Answer.response_id.in_(responses),
                    Answer.question_key.in_(keys),
                    Answer.value.is_not(None),
                )
                .values(value=None)
                .execution_options(synchronize_session=False)
            ).rowcount
            or 0
        )
    return blanked


def _housekeeping(session: Session, report: RetentionReport, now: datetime) -> None:
    day_ago = now - timedelta(days=1)
    month_ago = now - timedelta(days=30)
    report.sessions_purged = int(
        session.execute(
            delete(UserSession).where(
                or_(UserSession.revoked_at < day_ago, UserSession.last_seen_at < month_ago)
            )
        ).rowcount
        or 0
    )
    report.reset_tokens_purged = int(
        session.execute(
            delete(PasswordResetToken).where(
                or_(PasswordResetToken.used_at < day_ago, PasswordResetToken.expires_at < day_ago)
            )
        ).rowcount
        or 0
    )
    spent_codes = session.execute(
        delete(RateLimitCounter).where(
            or_(
                RateLimitCounter.key.like("totp-used:%"),
                RateLimitCounter.key.like("reset:%"),
            ),
            RateLimitCounter.window_start < day_ago,
        )
    ).rowcount
    report.counters_purged = int(spent_codes or 0) + throttle.purge_stale(session)


def _report_cache() -> ModuleType:
    """The report cache functions, imported late (reporting pulls in the report stack)."""
    from survey_app.services import reporting

    return reporting


def apply_retention(session: Session, *, now: datetime | None = None) -> RetentionReport:
    """Purge what the retention rules say is due; audit each organisation touched."""
    now = now or utcnow()
    report = RetentionReport()
    for organisation in session.scalars(select(Organisation).order_by(Organisation.slug)).all():
        purge = OrganisationPurge(slug=organisation.slug)
        purge.contacts_purged = _purge_contacts(session, organisation, now)
        purge.tokens_invalidated = _invalidate_completed_tokens(session, organisation, now)
        purge.texts_blanked = _blank_free_text(session, organisation, now)
        report.organisations.append(purge)
        if purge.anything:
            # Cached reports go with the data they derive from.
            report.report_files_purged += _report_cache().purge_app_reports(organisation.id)
            audit.record(
                session,
                "retention.purge",
                actor_label="retention apply",
                organisation_id=organisation.id,
                object_type="organisation",
                object_id=organisation.id,
                details={
                    "contacts_purged": purge.contacts_purged,
                    "tokens_invalidated": purge.tokens_invalidated,
                    "texts_blanked": purge.texts_blanked,
                    "retention_days": organisation.contact_retention_days,
                },
            )
    _housekeeping(session, report, now)
    report.report_files_purged += _report_cache().expire_app_reports()
    session.flush()
    return report
