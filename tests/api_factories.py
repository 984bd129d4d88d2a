"""API keys and webhooks of a permission-walk world, built on first use and kept on it."""

from __future__ import annotations

from typing import Any


def world_api_key(world: Any) -> int:
    from survey_app.extensions import db
    from survey_app.services import api_keys

    if getattr(world, "api_key_id", None) is None:
        issued = api_keys.create_key(
            db.session, world.organisation, label="Walk", scopes=["results:read"], valid_days=5
        )
        db.session.commit()
        world.api_key_id = issued.key.id
    return world.api_key_id


def world_webhook(world: Any) -> int:
    from survey_app.extensions import db
    from survey_app.services import webhooks

    if getattr(world, "webhook_id", None) is None:
        endpoint = webhooks.create_endpoint(db.session, world.organisation, "https://example.org/h")
        db.session.commit()
        world.webhook_id = endpoint.id
    return world.webhook_id
