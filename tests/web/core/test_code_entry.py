"""The printed card says "go to <site>/code": that page asks for the code."""

from __future__ import annotations

from tests.conftest import make_test_app


def test_code_page_asks_for_the_code(client):
    page = client.get("/code", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'method="post"' in html
    assert "Code écrit sur votre carte" in html


def test_malformed_code_is_shown_again_with_an_error(client):
    page = client.post("/code", data={"code": "12"}, headers={"Accept-Language": "en"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "error-summary" in html
    assert 'href="#code"' in html
    assert 'value="12"' in html


def test_wellformed_unknown_code_stays_on_the_code_page(client):
    page = client.post("/code", data={"code": "K7QM-4TZ2-9B"}, headers={"Accept-Language": "en"})
    assert page.status_code == 400
    assert "We do not recognise this code" in page.get_data(as_text=True)


def test_code_form_requires_csrf(tmp_path):
    from flask_migrate import upgrade

    app = make_test_app(f"sqlite:///{tmp_path / 'csrf.sqlite3'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade(revision="heads")
    response = app.test_client().post("/code", data={"code": "K7QM-4TZ2-9B"})
    assert response.status_code == 400
