"""``questionnaire list | import | export``: questionnaires from the command line.

Without ``--org``, ``list`` and ``export`` work on the built-in questionnaires
shipped with Écoute; ``import`` always needs an organisation. An import is all
or nothing: every problem is printed to stderr with its location (file, line,
sheet, row, column) and nothing is stored.

``import`` speaks the interface language (``--lang``, else the ``LC_ALL`` /
``LC_MESSAGES`` / ``LANG`` environment, else English): its problems, drops and
notes are said by the same Flask-Babel messages as the designer's import page.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import flask_babel
from flask import Flask, g
from flask.cli import AppGroup
from flask_babel import gettext as _

import questionnaires
from survey_app.cli._common import command_transaction
from survey_app.design.issues import describe_issues, status_label
from survey_app.extensions import db
from survey_app.services import accounts, audit
from survey_app.services import questionnaire_store as store
from survey_app.services.errors import DomainError

questionnaire_group = AppGroup("questionnaire", help="List, import and export questionnaires.")


def register(app: Flask) -> None:
    app.cli.add_command(questionnaire_group)


def _environment_language() -> str:
    """The messages' language from the POSIX locale variables (fr or en)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value[:2].lower()
            return code if code in questionnaires.LANGUAGES else "en"
    return "en"


def _said(issues: list[questionnaires.Issue]) -> list[str]:
    """Each issue in the interface language, with its location and stable code."""
    lines = []
    for issue, said in zip(issues, describe_issues(issues), strict=True):
        detail = f" ({said['detail']})" if said["detail"] else ""
        lines.append(f"{said['location']}: {said['message']}{detail} [{issue.code}]")
    return lines


def _print_issues(title: str, issues: list[questionnaires.Issue]) -> None:
    click.echo(title, err=True)
    for line in _said(issues):
        click.echo(f"  - {line}", err=True)


@questionnaire_group.command("list")
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: built-ins).")
def list_command(org_slug: str | None) -> None:
    """List the questionnaires of an organisation, or the built-in ones."""
    if org_slug is None:
        for key in questionnaires.builtin_keys():
            definition = questionnaires.load_builtin(key)
            title = definition.title.get(definition.languages[0], key)
            click.echo(
                f"{key}\tbuiltin {definition.version or ''}\t"
                f"{len(definition.questions)} questions\t{title}"
            )
        return
    try:
        organisation = accounts.get_organisation(db.session, org_slug)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    found = store.list_questionnaires(db.session, organisation.id)
    if not found:
        click.echo(f"no questionnaire in {org_slug}")
    for questionnaire in found:
        versions = ", ".join(f"v{v.number} {v.status}" for v in questionnaire.versions)
        click.echo(f"{questionnaire.key}\t{versions}\t{questionnaire.title}")


@questionnaire_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_slug", required=True, help="Organisation slug.")
@click.option(
    "--accept-ignored",
    is_flag=True,
    help="Import even if some XLSForm constructs are outside the supported subset "
    "(they are dropped and listed).",
)
@click.option("--key", default=None, help="Questionnaire key (overrides the file's form_id/key).")
@click.option(
    "--language",
    type=click.Choice(questionnaires.LANGUAGES),
    default=None,
    help="XLSForm: language of plain label/hint columns when the settings do not say "
    "(default: fr).",
)
@click.option("--replace-draft", is_flag=True, help="Replace the questionnaire's current draft.")
@click.option("--publish", "publish_now", is_flag=True, help="Publish the imported version.")
@click.option(
    "--lang",
    "messages_language",
    type=click.Choice(questionnaires.LANGUAGES),
    default=None,
    help="Language of the messages (default: from LC_ALL/LC_MESSAGES/LANG, else en).",
)
def import_command(
    file: Path,
    org_slug: str,
    accept_ignored: bool,
    key: str | None,
    language: str | None,
    replace_draft: bool,
    publish_now: bool,
    messages_language: str | None,
) -> None:
    """Import FILE (.xlsx or .xls XLSForm, .json or .yaml) as a draft of ORG."""
    g.forced_locale = messages_language or _environment_language()
    flask_babel.refresh()
    parsed = store.parse_upload(file.read_bytes(), file.name, key=key, language=language)
    if parsed.errors:
        _print_issues(
            _(
                "%(file)s: %(count)s problem(s), nothing imported:",
                file=file.name,
                count=len(parsed.errors),
            ),
            parsed.errors,
        )
        raise click.ClickException(_("import refused"))
    if parsed.ignored and not accept_ignored:
        _print_issues(
            _(
                "%(file)s: %(count)s construct(s) outside the supported subset would be dropped:",
                file=file.name,
                count=len(parsed.ignored),
            ),
            parsed.ignored,
        )
        raise click.ClickException(
            _("import refused; rerun with --accept-ignored to import without them")
        )
    assert parsed.questionnaire is not None  # noqa: S101 (no errors implies a questionnaire)
    with command_transaction() as session:
        organisation = accounts.get_organisation(session, org_slug)
        version = store.import_questionnaire(
            session, organisation, parsed.questionnaire, replace_draft=replace_draft
        )
        audit.record(
            session,
            "questionnaire.import",
            actor_label="cli",
            organisation_id=organisation.id,
            object_type="questionnaire_version",
            object_id=version.id,
            details={
                "key": version.questionnaire.key,
                "number": version.number,
                "format": file.suffix.lower().lstrip("."),
                "ignored": len(parsed.ignored),
            },
        )
        if publish_now:
            store.publish(session, version)
            audit.record(
                session,
                "questionnaire.publish",
                actor_label="cli",
                organisation_id=organisation.id,
                object_type="questionnaire_version",
                object_id=version.id,
                details={"key": version.questionnaire.key, "number": version.number},
            )
        label, status = version.label, version.status
    for line in _said(parsed.ignored):
        click.echo(_("ignored: %(issue)s", issue=line), err=True)
    for line in _said(parsed.notes):
        click.echo(_("note: %(issue)s", issue=line), err=True)
    if parsed.notes:
        click.echo(
            _(
                "%(count)s text(s) or setting(s) were filled in (see the notes); check them in "
                "the designer",
                count=len(parsed.notes),
            ),
            err=True,
        )
    click.echo(_("imported %(label)s (%(status)s)", label=label, status=status_label(status)))


@questionnaire_group.command("export")
@click.argument("key")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(store.EXPORT_FORMATS),
    required=True,
    help="xlsform (.xlsx) or json.",
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--org", "org_slug", default=None, help="Organisation slug (default: built-ins).")
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1),
    default=None,
    help="Version number (default: the newest).",
)
def export_command(key: str, fmt: str, out: Path, org_slug: str | None, number: int | None) -> None:
    """Write questionnaire KEY to --out as XLSForm or JSON."""
    if org_slug is None:
        if number is not None:
            raise click.ClickException("--version applies only with --org")
        try:
            definition = questionnaires.load_builtin(key)
        except KeyError as error:
            raise click.ClickException(str(error.args[0])) from error
        content, _mimetype, _suffix = store.export_definition(definition, fmt)
        out.write_bytes(content)
        click.echo(f"wrote builtin {key} to {out}")
        return
    with command_transaction() as session:
        organisation = accounts.get_organisation(session, org_slug)
        version = store.get_version(session, organisation.id, key, number)
        content, _mimetype, _suffix = store.export_definition(store.definition_of(version), fmt)
        audit.record(
            session,
            "questionnaire.export",
            actor_label="cli",
            organisation_id=organisation.id,
            object_type="questionnaire_version",
            object_id=version.id,
            details={"key": key, "number": version.number, "format": fmt},
        )
        label = version.label
        out.write_bytes(content)
    click.echo(f"wrote {label} to {out}")
