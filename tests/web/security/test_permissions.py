"""The permission walk: every route of the app, for every role, anonymous visitors and
members of another organisation.

Expectations come from each view's declared access (``__access__``) and the
permission matrix; object routes get their arguments from :data:`PARAMETERS`
(built from organisation A's objects) and must answer 404 to organisation B.
A new route whose arguments are not in that table makes the walk fail: add
how to build them (and so get the cross-organisation check for free).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from survey_app.models import Role
from survey_app.security.permissions import (
    ROLE_PERMISSIONS,
    Access,
    access_of,
    has_permission,
    public,
    undeclared_endpoints,
)
from tests.api_factories import world_api_key, world_webhook
from tests.conftest import make_test_app
from tests.open_answers_factories import theme_of_world
from tests.security_factories import World, build_world, sign_in

Resolver = Callable[[World], Any]

#: Argument name → how to build a value that names one of organisation A's objects.
PARAMETERS: dict[str, Resolver] = {
    "key": lambda w: w.questionnaire.key,
    "number": lambda w: w.draft.number,
    "qkey": lambda w: "listen_heard",
    "skey": lambda w: "listening",
    "fmt": lambda w: "json",
    "slug": lambda w: w.study.slug,
    "link_id": lambda w: w.open_link.id,
    "beneficiary_id": lambda w: w.beneficiary.id,
    "wave_id": lambda w: w.follow_up.id,
    "invitation_id": lambda w: w.invitation.id,
    "site_id": lambda w: w.site.id,
    "membership_id": lambda w: w.victim.id,
    "token": lambda w: "not-a-real-token",
    "org_slug": lambda w: w.organisation.slug,
    "filename": lambda w: "css/ecoute.css",
    "kind": lambda w: "answers",
    "theme_id": theme_of_world,  # issue 17
    "reference": lambda w: w.beneficiary.code,
    "key_id": world_api_key,
    "endpoint_id": world_webhook,
    "unknown": lambda w: "no/such/address",
}
#: Arguments that name no object of an organisation (formats, public tokens, files).
NOT_OBJECTS = frozenset({"fmt", "kind", "token", "filename", "org_slug", "unknown"})
#: Query strings naming organisation A's objects (reports take the study there).
QUERIES: dict[str, Callable[[World], dict[str, Any]]] = {
    endpoint: lambda w: {"study": w.study.id, "period": "all"}
    for endpoint in ("reports.index", "reports.preview", "reports.download_pdf", "reports.export")
}
#: The same argument name meaning something else on one endpoint.
ENDPOINT_PARAMETERS: dict[tuple[str, str], Resolver] = {
    ("studies.change_wave_version", "key"): lambda w: w.wave.key,
    ("respond.question", "key"): lambda w: "listen_heard",
    ("respond.assist", "invitation_id"): lambda w: w.pending_invitation.id,
    ("reports.export", "fmt"): lambda w: "csv",
    ("studies.open_link_file", "kind"): lambda w: "qr.svg",
}
#: Public routes whose argument is not an organisation's object (no 404 expected for B).
METHODS = ("GET", "POST")


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def _url(app: Flask, rule: Rule, world: World) -> str:
    values = {}
    for name in rule.arguments:
        resolver = ENDPOINT_PARAMETERS.get((rule.endpoint, name)) or PARAMETERS[name]
        values[name] = resolver(world)
    query = QUERIES.get(rule.endpoint)
    if query is not None:
        values.update(query(world))
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _names_objects(rule: Rule) -> bool:
    """Whether the route's address names an object of one organisation."""
    return bool(set(rule.arguments) - NOT_OBJECTS) or rule.endpoint in QUERIES


def test_every_route_declares_its_access(app):
    assert undeclared_endpoints(app) == []


def test_every_route_argument_has_a_resolver(app):
    missing = sorted(
        f"{rule.endpoint}: <{name}>"
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if (rule.endpoint, name) not in ENDPOINT_PARAMETERS and name not in PARAMETERS
    )
    assert missing == [], "add these to PARAMETERS in tests/web/security/test_permissions.py"


def test_a_route_without_access_rule_is_refused_and_reported(tmp_path):
    throwaway = make_test_app(f"sqlite:///{tmp_path / 'throwaway.sqlite3'}")

    @throwaway.get("/forgotten")
    def forgotten() -> str:
        return "secret"

    @throwaway.get("/declared")
    @public
    def declared() -> str:
        return "fine"

    assert undeclared_endpoints(throwaway) == ["forgotten"]
    client = throwaway.test_client()
    forgotten_page = client.get("/forgotten")
    assert forgotten_page.status_code == 403
    assert "secret" not in forgotten_page.get_data(as_text=True)
    assert client.get("/declared").status_code == 200


def test_matrix_gives_each_area_to_its_roles():
    assert {p.value for p in ROLE_PERMISSIONS[Role.ADMIN]} >= {
        "manage_users",
        "manage_sites",
        "manage_retention",
        "view_audit",
    }
    assert not has_permission(
        Role.DIRECTOR.value, ROLE_PERMISSIONS[Role.ADMIN].__iter__().__next__()
    )
    assert not has_permission(None, next(iter(ROLE_PERMISSIONS[Role.DIRECTOR])))


def _allowed(access: Access, role: Role) -> bool:
    if access.kind in ("public", "member"):
        return True
    assert access.permission is not None
    return has_permission(role.value, access.permission)


def _request(client, method: str, url: str):
    return client.open(url, method=method, data={} if method == "POST" else None)


@pytest.fixture
def worlds(session):
    world_a = build_world(session, "alpha")
    world_b = build_world(session, "beta")
    session.commit()
    return world_a, world_b


def test_permission_walk(app, session, worlds):
    world_a, world_b = worlds
    failures: list[str] = []
    rules = [rule for rule in _rules(app) if rule.endpoint != "static"]
    # Every GET first, then the POSTs, which may change state (disable a member, ...).
    for method in METHODS:
        for rule in rules:
            if method not in (rule.methods or ()):
                continue
            with app.test_request_context():
                access = access_of(rule.endpoint)
            assert access is not None, rule.endpoint
            url = _url(app, rule, world_a)
            failures += _check_anonymous(app, method, url, access)
            for role in Role:
                failures += _check_member(app, session, world_a, role, method, url, rule, access)
            if access.kind != "public":
                for role in Role:
                    if _allowed(access, role):
                        failures += _check_other_org(
                            app, session, world_a, world_b, role, method, url, _names_objects(rule)
                        )
    assert not failures, "\n".join(failures)


def _label(method: str, url: str, who: str, status: int) -> str:
    return f"{method} {url} as {who}: {status}"


def _check_anonymous(app, method, url, access) -> list[str]:
    response = _request(app.test_client(), method, url)
    status = response.status_code
    if access.kind == "public":
        return [] if status < 500 and status != 403 else [_label(method, url, "anonymous", status)]
    location = response.headers.get("Location", "")
    if status == 302 and location.startswith("/auth/login"):
        return []
    return [_label(method, url, "anonymous (expected login redirect)", status)]


def _check_member(app, session, world, role, method, url, rule, access) -> list[str]:
    client = app.test_client()
    sign_in(client, session, world.users[role], world.organisation.id)
    response = _request(client, method, url)
    status = response.status_code
    who = f"{role.value} of the owner organisation"
    if not _allowed(access, role):
        return [] if status == 403 else [_label(method, url, who + " (expected 403)", status)]
    if status >= 500 or status == 403:
        return [_label(method, url, who, status)]
    location = response.headers.get("Location", "")
    if access.kind != "public" and status == 302 and location.startswith("/auth/login"):
        return [_label(method, url, who + " (sent to login)", status)]
    if method == "GET" and _names_objects(rule) and access.kind != "public" and status == 404:
        return [_label(method, url, who + " (own object not found)", status)]
    return []


def _markers(world: World) -> list[str]:
    """Names only organisation A's pages may show."""
    return [
        world.study.slug,
        world.study.title,
        world.questionnaire.key,
        world.beneficiary.code,
        world.victim.user.email,
        world.site.name,
    ]


def _check_other_org(app, session, world_a, world_b, role, method, url, names_object):
    """Another organisation's member: 404 on A's objects, and never a page showing A's data."""
    client = app.test_client()
    sign_in(client, session, world_b.users[role], world_b.organisation.id)
    response = _request(client, method, url)
    status = response.status_code
    who = f"{role.value} of another organisation"
    if names_object and status != 404:
        return [_label(method, url, who + " (expected 404)", status)]
    if method == "GET" and response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        # The page may echo its own address (language switch); anything else is a leak.
        leaked = [marker for marker in _markers(world_a) if marker in body and marker not in url]
        if leaked:
            return [_label(method, url, f"{who} sees {leaked}", status)]
    return []
