"""``Authorization: Bearer <key>`` on every API view, checked before the body is read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from survey_app.api.problems import Problem
from survey_app.extensions import db
from survey_app.models import ApiKey
from survey_app.services import api_keys

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ecoute-api"'}


def key_required(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view needs a live key of the organisation holding ``scope``.

    The use is counted and audited in its own commit, so a request that then
    fails (bad body, unknown object) still counts against the key's window.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise Problem(
                    401, "Send an API key: Authorization: Bearer <key>.", headers=CHALLENGE
                )
            try:
                key = api_keys.authenticate(
                    db.session, secret.strip(), method=request.method, path=request.path
                )
            except api_keys.TooManyRequests as error:
                db.session.commit()
                raise Problem(
                    429,
                    "Too many requests for this key; try again later.",
                    headers={"Retry-After": str(error.retry_after)},
                ) from None
            except api_keys.InvalidKey:
                raise Problem(
                    401, "The API key is unknown, revoked or expired.", headers=CHALLENGE
                ) from None
            db.session.commit()
            if scope not in key.scope_list:
                raise Problem(403, f"This key does not have the scope {scope}.")
            g.api_key = key
            return view(*args, **kwargs)

        wrapper._api_scope = scope  # type: ignore[attr-defined]
        return wrapper

    return decorator


def current_key() -> ApiKey:
    return g.api_key
