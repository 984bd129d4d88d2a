"""The domain model, one module per aggregate."""

from survey_app.models._base import utcnow
from survey_app.models.api import ApiKey, WebhookDelivery, WebhookEndpoint
from survey_app.models.audit import AuditEvent, AuditTrailIsAppendOnly
from survey_app.models.beneficiary import Beneficiary, BeneficiaryContact
from survey_app.models.invitation import CHANNELS, Invitation
from survey_app.models.messaging import MessageTemplate
from survey_app.models.open_answers import (
    OpenAnswerAssignment,
    OpenAnswerQuoteExclusion,
    OpenAnswerTheme,
)
from survey_app.models.organisation import Organisation, Site
from survey_app.models.questionnaire import (
    PublishedVersionImmutable,
    Questionnaire,
    QuestionnaireVersion,
)
from survey_app.models.report_job import ReportArtefact, ReportJob
from survey_app.models.response import LANGUAGES, MODES, Answer, Response, SubmissionKey
from survey_app.models.study import OpenLink, Study, StudyEnrolment, StudySite, Wave
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
    "MessageTemplate",
    "OpenAnswerAssignment",
    "OpenAnswerQuoteExclusion",
    "OpenAnswerTheme",
    "OpenLink",
    "Organisation",
    "PasswordResetToken",
    "PublishedVersionImmutable",
    "Questionnaire",
    "QuestionnaireVersion",
    "RateLimitCounter",
    "RecoveryCode",
    "ReportArtefact",
    "ReportJob",
    "Response",
    "Role",
    "Site",
    "Study",
    "StudyEnrolment",
    "StudySite",
    "SubmissionKey",
    "User",
    "UserSession",
    "Wave",
    "WebhookDelivery",
    "WebhookEndpoint",
    "utcnow",
]
