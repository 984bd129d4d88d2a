"""Property-based tests: random and hostile input to every form of the auth and admin
areas never causes a 500 and never comes back as live markup on any page."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app.models import Role
from survey_app.services import passwords
from tests.security_factories import build_world, sign_in

SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE user_account; --",
    "1 OR 1=1",
    "../../etc/passwd",
    "{{ 7*7 }}",
    "%(n)s %s {0}",
    "\u202e\u0000\ufeff",
    "é" * 300,
    "a" * 5000,
    "-1",
    "0",
    "99999999999999999999",
    "",
    " ",
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.text(min_size=300, max_size=3000),
    st.integers().map(str),
)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _form_data(fields: list[str]):
    """Each field either missing or given a hostile value."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, values))


def _no_live_markup(response) -> None:
    assert response.status_code < 500
    body = response.get_data(as_text=True).lower()
    assert "<script" not in body
    assert "<img src=x" not in body


@pytest.fixture
def world(session):
    world = build_world(session, "fuzz")
    session.commit()
    return world


@pytest.fixture
def admin(app, session, world):
    client = app.test_client()
    sign_in(client, session, world.users[Role.ADMIN], world.organisation.id)
    return client


def _pages_showing_stored_text(world) -> list[str]:
    return [
        "/admin/",
        f"/admin/users/{world.victim.id}",
        "/admin/sites",
        "/admin/settings",
        "/admin/audit",
        "/auth/account",
        f"/privacy/{world.organisation.slug}",
    ]


ADMIN_FORMS = {
    "/admin/users/new": ["email", "display_name", "role", "sites"],
    "/admin/sites/new": ["code", "name", "address"],
    "/admin/settings": [
        "name",
        "contact_retention_days",
        "require_totp_for_admins",
        "privacy_controller_name",
        "privacy_contact",
    ],
    "/admin/data-requests": ["code"],
    "/admin/data-requests/export": ["code", "format"],
    "/admin/data-requests/erase": ["code", "confirm"],
}


@pytest.mark.parametrize("path", sorted(ADMIN_FORMS))
def test_admin_forms_survive_hostile_input(app, session, world, admin, path):
    @SETTINGS
    @given(data=_form_data(ADMIN_FORMS[path]))
    def run(data):
        _no_live_markup(admin.post(path, data=data))

    run()
    for page in _pages_showing_stored_text(world):
        _no_live_markup(admin.get(page))


def test_member_and_site_edit_forms_survive_hostile_input(app, session, world, admin):
    @SETTINGS
    @given(
        member=_form_data(["role", "sites"]),
        site=_form_data(["name", "address"]),
    )
    def run(member, site):
        _no_live_markup(admin.post(f"/admin/users/{world.victim.id}", data=member))
        _no_live_markup(admin.post(f"/admin/sites/{world.site.id}", data=site))

    run()
    for page in _pages_showing_stored_text(world):
        _no_live_markup(admin.get(page))


def test_audit_filter_survives_hostile_query(app, session, world, admin):
    @SETTINGS
    @given(query=_form_data(["action", "actor", "since", "until", "page"]))
    def run(query):
        _no_live_markup(admin.get("/admin/audit", query_string=query))

    run()


def test_stored_script_in_names_is_shown_as_text(app, session, world, admin):
    admin.post(
        "/admin/settings",
        data={
            "name": SCRIPT,
            "contact_retention_days": "30",
            "privacy_controller_name": SCRIPT,
            "privacy_contact": SCRIPT,
        },
    )
    admin.post("/admin/sites/new", data={"code": "XSS", "name": SCRIPT, "address": SCRIPT})
    admin.post(
        "/admin/users/new",
        data={"email": "x@example.org", "display_name": SCRIPT, "role": "director"},
    )
    for page in _pages_showing_stored_text(world):
        response = admin.get(page)
        _no_live_markup(response)
    assert "&lt;script&gt;" in admin.get("/admin/sites").get_data(as_text=True)


AUTH_FORMS = {
    "/auth/login": ["email", "password"],
    "/auth/forgot": ["email"],
    "/auth/second-factor": ["code"],
}


@pytest.mark.parametrize("path", sorted(AUTH_FORMS))
def test_public_auth_forms_survive_hostile_input(app, session, world, path):
    client = app.test_client()

    @SETTINGS
    @given(data=_form_data(AUTH_FORMS[path]))
    def run(data):
        _no_live_markup(client.post(path, data=data))

    run()


MEMBER_FORMS = {
    "/auth/password": ["current", "new", "confirm"],
    "/auth/two-factor": ["code"],
    "/auth/two-factor/disable": ["password"],
    "/auth/two-factor/recovery-codes": ["password"],
    "/auth/organisation": ["organisation_id"],
}


@pytest.mark.parametrize("path", sorted(MEMBER_FORMS))
def test_member_auth_forms_survive_hostile_input(app, session, world, path):
    client = app.test_client()
    sign_in(client, session, world.users[Role.DIRECTOR], world.organisation.id)

    @SETTINGS
    @given(data=_form_data(MEMBER_FORMS[path]))
    def run(data):
        _no_live_markup(client.post(path, data=data))

    run()


def test_reset_form_survives_hostile_input(app, session, world):
    token = passwords.create_reset_token(session, world.users[Role.DIRECTOR])
    session.commit()
    client = app.test_client()

    @SETTINGS
    @given(data=_form_data(["new", "confirm"]), path_token=st.sampled_from(HOSTILE[:9]))
    def run(data, path_token):
        _no_live_markup(client.post(f"/auth/reset/{token}x", data=data))
        _no_live_markup(
            client.get("/auth/reset/" + path_token.replace("/", "_").replace("\x00", ""))
        )

    run()
