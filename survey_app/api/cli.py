"""``flask webhooks deliver``: queue new events and post the due deliveries."""

from __future__ import annotations

import click

from survey_app.extensions import db


@click.group("webhooks")
def webhooks() -> None:
    """Signed notifications to organisations' systems."""


@webhooks.command("deliver")
def deliver() -> None:
    """Queue new events, then post every due delivery (one commit each)."""
    from survey_app.services import webhooks as service

    queued = service.collect(db.session)
    db.session.commit()
    delivered = failed = 0
    for delivery_id in service.due(db.session):
        outcome = service.attempt(db.session, delivery_id)
        db.session.commit()
        if outcome.delivered:
            delivered += 1
        else:
            failed += 1
    click.echo(f"queued {queued}, delivered {delivered}, not delivered {failed}")
