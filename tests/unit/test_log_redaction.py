"""Logs keep the route of survey and reset links but never their secret."""

from __future__ import annotations

import pytest

from survey_app.logging_setup import redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (
            "GET /s/3e9f6ff3cb09c13503472b0e137ffacc8032f39fbd2",
            "3e9f6ff3cb09c13503472b0e137ffacc8032f39fbd2",
        ),
        ("GET /o/Yx2_7Fh6oa9KQ3pL0vR8sT1uW4zE5cD6bN7mA8", "Yx2_7Fh6oa9KQ3pL0vR8sT1uW4zE5cD6bN7mA8"),
        ("GET /s/K7QM-4TZ2-9B HTTP/1.1", "K7QM-4TZ2-9B"),
        ("POST /auth/reset/abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
        ("GET /code?code=K7QM4TZ29B", "K7QM4TZ29B"),
    ],
)
def test_secrets_are_redacted(line, secret):
    assert secret not in redact(line)
    assert "[redacted]" in redact(line)


@pytest.mark.parametrize("path", ["/s/start", "/s/q/listen_heard", "/s/review", "/s/done"])
def test_survey_pages_stay_readable(path):
    assert redact(f"GET {path}") == f"GET {path}"
