"""The domain model, one module per aggregate."""

from survey_app.models._base import utcnow
from survey_app.models.api import ApiKey, WebhookDelivery, WebhookEndpoint
from survey_app.models.audit import AuditEvent, AuditTrailIsAppendOnly
from survey_app.models.beneficiary import Beneficiary, BeneficiaryContact
from survey_app.models.invitation import CHANNELS, Invitation
from survey_app.models.organisation import Organisation, Site
from survey_app.models.questionnaire import (
    PublishedVersionImmutable,
    Questionnaire,
    QuestionnaireVersion,
)
from survey_app.models.response import LANGUAGES, MODES, Answer, Response, SubmissionKey
from survey_app.models.study import OpenLink, Study, StudySite, Wave
from survey_app.models.user import (
    LoginThrottle,
    Membership,
    MembershipSite,
    PasswordResetToken,
    RateLimitCounter,
    RecoveryCode,
    Role,
    User,
    UserSession,
)

__all__ = [
    "CHANNELS",
    "LANGUAGES",
    "MODES",
    "Answer",
    "ApiKey",
    "AuditEvent",
    "AuditTrailIsAppendOnly",
    "Beneficiary",
    "BeneficiaryContact",
    "Invitation",
    "LoginThrottle",
    "Membership",
    "MembershipSite",
    "OpenLink",
    "Organisation",
    "PasswordResetToken",
    "PublishedVersionImmutable",
    "Questionnaire",
    "QuestionnaireVersion",
    "RateLimitCounter",
    "RecoveryCode",
    "Response",
    "Role",
    "Site",
    "Study",
    "StudySite",
    "SubmissionKey",
    "User",
    "UserSession",
    "Wave",
    "WebhookDelivery",
    "WebhookEndpoint",
    "utcnow",
]
