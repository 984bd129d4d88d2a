"""seed-demo and the account commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey_app.models import Answer, Beneficiary, Membership, Organisation, Response, User, Wave


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_seed_demo_is_realistic_and_idempotent(runner, session, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    logins = re.findall(r"^(\w+) (\S+@\S+) (\S+)$", first.stdout, re.MULTILINE)
    assert {role for role, _email, _password in logins} == {
        "admin",
        "quality_manager",
        "director",
        "social_worker",
    }
    link = re.search(r"survey link: \S+(/s/\S+)$", first.stdout, re.MULTILINE)
    assert link is not None
    counts = {model: count(session, model) for model in (Beneficiary, Response, Answer, User)}
    assert 280 <= counts[Beneficiary] <= 320
    assert counts[Answer] > 5000

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert {model: count(session, model) for model in counts} == counts
    assert second.stdout == first.stdout  # same logins and link

    organisation = session.scalar(select(Organisation).where(Organisation.slug == "demo"))
    assert len(organisation.sites) == 3
    modes = dict(session.execute(select(Response.mode, func.count()).group_by(Response.mode)).all())
    assert 0.1 < modes["assisted"] / sum(modes.values()) < 0.3
    waves = dict(
        session.execute(
            select(Wave.key, func.count(Response.id))
            .join(Response, Response.wave_id == Wave.id)
            .group_by(Wave.key)
        ).all()
    )
    assert waves["baseline"] > waves["followup1"] > 50

    # The printed staff login and survey link work.
    _role, email, password = logins[2]
    assert (
        client.post("/auth/login", data={"email": email, "password": password}).status_code == 302
    )
    assert client.get(link.group(1)).status_code in (200, 302, 303)


def test_create_org_and_user(runner, session):
    result = runner.invoke(args=["create-org", "acme", "ACME Social"])
    assert result.exit_code == 0, result.output
    duplicate = runner.invoke(args=["create-org", "acme", "Again"])
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.output

    created = runner.invoke(
        args=["create-user", "Ana@Example.org", "--org", "acme", "--role", "director"]
    )
    assert created.exit_code == 0, created.output
    assert re.search(r"^password: \S{12,}$", created.stdout, re.MULTILINE)

    runner.invoke(args=["create-org", "other", "Other"])
    again = runner.invoke(
        args=["create-user", "ana@example.org", "--org", "other", "--role", "admin"]
    )
    assert again.exit_code == 0, again.output
    assert "password:" not in again.stdout  # existing user keeps their password
    user = session.scalar(select(User).where(User.email == "ana@example.org"))
    roles = {
        m.organisation.slug: m.role
        for m in session.scalars(select(Membership).where(Membership.user_id == user.id))
    }
    assert roles == {"acme": "director", "other": "admin"}

    bad_role = runner.invoke(
        args=["create-user", "x@example.org", "--org", "acme", "--role", "king"]
    )
    assert bad_role.exit_code != 0
    unknown_org = runner.invoke(
        args=["create-user", "x@example.org", "--org", "nope", "--role", "admin"]
    )
    assert unknown_org.exit_code != 0
    assert "no organisation" in unknown_org.output


def test_create_user_reads_password_from_stdin(runner, session):
    runner.invoke(args=["create-org", "acme2", "ACME"])
    short = runner.invoke(
        args=[
            "create-user",
            "b@example.org",
            "--org",
            "acme2",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert short.exit_code != 0
    ok = runner.invoke(
        args=[
            "create-user",
            "b@example.org",
            "--org",
            "acme2",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert ok.exit_code == 0, ok.output
    assert "password:" not in ok.stdout
