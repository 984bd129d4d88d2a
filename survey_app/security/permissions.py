"""The permission matrix, declared on each view and enforced in one place.

Every view function declares its access with one of the decorators below.
:func:`enforce_access` (a ``before_request`` hook) reads that declaration, so
no view performs an ad-hoc check of its own, and a view that declares nothing
is refused (fail closed). ``tests/web/security/test_permissions.py`` walks
``app.url_map`` for every role and fails on an undeclared route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, url_for

from survey_app.models import Role

View = TypeVar("View", bound=Callable[..., Any])


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_SITES = "manage_sites"
    MANAGE_RETENTION = "manage_retention"
    VIEW_AUDIT = "view_audit"
    MANAGE_QUESTIONNAIRES = "manage_questionnaires"
    MANAGE_STUDIES = "manage_studies"
    IMPORT_DATA = "import_data"
    VIEW_DASHBOARD = "view_dashboard"
    DOWNLOAD_REPORTS = "download_reports"
    EXPORT_DATA = "export_data"
    MANAGE_BENEFICIARIES = "manage_beneficiaries"
    MANAGE_INVITATIONS = "manage_invitations"
    ASSIST_RESPONDENT = "assist_respondent"
    # GDPR: export everything held about one beneficiary (right of access).
    ANSWER_ACCESS_REQUESTS = "answer_access_requests"
    # GDPR: erase a beneficiary's contact details and answers (right to erasure).
    ERASE_PERSONAL_DATA = "erase_personal_data"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_SITES,
            Permission.MANAGE_RETENTION,
            Permission.VIEW_AUDIT,
            Permission.ANSWER_ACCESS_REQUESTS,
            Permission.ERASE_PERSONAL_DATA,
        }
    ),
    Role.QUALITY_MANAGER: frozenset(
        {
            Permission.MANAGE_QUESTIONNAIRES,
            Permission.MANAGE_STUDIES,
            Permission.IMPORT_DATA,
            Permission.EXPORT_DATA,
            # The dashboard preview (same disclosure rules); PDF reports stay the director's.
            Permission.VIEW_DASHBOARD,
        }
    ),
    Role.DIRECTOR: frozenset(
        {Permission.VIEW_DASHBOARD, Permission.DOWNLOAD_REPORTS, Permission.EXPORT_DATA}
    ),
    Role.SOCIAL_WORKER: frozenset(
        {
            Permission.MANAGE_BENEFICIARIES,
            Permission.MANAGE_INVITATIONS,
            Permission.ASSIST_RESPONDENT,
            Permission.ANSWER_ACCESS_REQUESTS,
        }
    ),
}

# Pages a signed-in person can use before choosing an organisation or while an
# organisation forces them to set up a second factor.
ACCOUNT_ENDPOINTS = frozenset(
    {
        "auth.no_organisation",
        "auth.logout",
        "auth.switch_org",
        "auth.account",
        "auth.change_password",
        "auth.totp_setup",
    }
)


@dataclass(frozen=True)
class Access:
    """What a view requires: nobody (public), any signed-in member, or a permission."""

    kind: str  # "public" | "member" | "permission"
    permission: Permission | None = None


def _declare(access: Access) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        view.__access__ = access  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: View) -> View:
    """Open to anyone, including respondents and anonymous visitors."""
    return _declare(Access("public"))(view)


def member_required(view: View) -> View:
    """Any signed-in staff member with a current organisation."""
    return _declare(Access("member"))(view)


def requires(permission: Permission) -> Callable[[View], View]:
    return _declare(Access("permission", permission))


def has_permission(role: str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


def undeclared_endpoints(app: Any) -> list[str]:
    """Endpoints of ``app`` whose view declares no access rule (they answer 403)."""
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "__access__", None) is None
    )


def second_factor_required(membership: Any, user: Any) -> bool:
    """An organisation may require administrators to use a second factor."""
    return (
        membership is not None
        and membership.role == Role.ADMIN
        and bool(membership.organisation.require_totp_for_admins)
        and not user.totp_enabled
    )


def access_of(endpoint: str | None) -> Access | None:
    if endpoint is None:
        return None
    if endpoint == "static":
        return Access("public")
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "__access__", None)


def enforce_access() -> Any:
    """``before_request`` hook: the single place where access is decided.

    Anonymous visitors are sent to the login page; a signed-in member without
    the permission gets 403 (they know the page exists: it is in their menu
    or not). Objects of another organisation are not found by the scoped
    queries in the views, which therefore answer 404.
    """
    if request.endpoint is None:  # 404/405 from routing: let Flask answer
        return None
    access = access_of(request.endpoint)
    if access is None:
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        abort(403)
    if access.kind == "public":
        return None
    if g.get("user") is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if g.get("membership") is None:
        if request.endpoint in ACCOUNT_ENDPOINTS:
            return None
        return redirect(url_for("auth.no_organisation"))
    if second_factor_required(g.membership, g.user) and request.endpoint not in ACCOUNT_ENDPOINTS:
        return redirect(url_for("auth.totp_setup"))
    if access.kind == "permission" and not has_permission(g.membership.role, access.permission):
        abort(403)
    return None
