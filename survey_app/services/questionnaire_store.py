"""Storing questionnaire definitions as versions: draft → published (immutable) → archived.

Every change to a definition goes through :func:`questionnaires.load_definition`
before anything is written, so an invalid definition is never stored, partly
or otherwise. Only a draft can change; a published version is frozen (the ORM
guard in :mod:`survey_app.models.questionnaire` is the last line of defence,
the functions here refuse earlier with a :class:`NotADraft` the UI and the
CLI can explain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from threading import Lock
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questionnaires
from survey_app.models import (
    Organisation,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Study,
    User,
    Wave,
    utcnow,
)
from survey_app.services.errors import Conflict, DomainError, NotFound

#: Largest JSON/YAML definition accepted (XLSForm has its own checks).
MAX_DEFINITION_BYTES = questionnaires.xlsform.MAX_UPLOAD_BYTES
EXPORT_FORMATS = ("xlsform", "json")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NotADraft(Conflict):
    """Only a draft version can be changed, published or deleted."""

    def __init__(self, version: QuestionnaireVersion) -> None:
        self.label = version.label
        self.status = version.status
        super().__init__(
            f"version {version.label} is {version.status}; only a draft can be changed "
            "(create a new draft from it instead)"
        )


class DraftExists(Conflict):
    """A questionnaire has at most one draft at a time."""

    def __init__(self, draft: QuestionnaireVersion) -> None:
        self.label = draft.label
        self.number = draft.number
        super().__init__(
            f"questionnaire {draft.questionnaire.key!r} already has a draft "
            f"(version {draft.number}); edit, publish or delete it first"
        )


class KeyTaken(Conflict):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"a questionnaire with key {key!r} already exists in this organisation")


class KeyChanged(DomainError):
    def __init__(self, expected: str, given: str) -> None:
        self.expected = expected
        self.given = given
        super().__init__(
            f"the definition's key {given!r} differs from the questionnaire's key {expected!r}"
        )


class VersionInUse(Conflict):
    def __init__(self, version: QuestionnaireVersion) -> None:
        self.label = version.label
        super().__init__(f"version {version.label} is used by a study or by answers")


class NotPublished(Conflict):
    def __init__(self, version: QuestionnaireVersion) -> None:
        self.label = version.label
        self.status = version.status
        super().__init__(
            f"version {version.label} is {version.status}; only a published version can be archived"
        )


# --------------------------------------------------------------------------- reading


def suggest_key(session: Session, organisation_id: int, title: str) -> str:
    """A questionnaire key made from ``title`` ("Suivi à 6 mois" → ``suivi-a-6-mois``),
    not yet used in the organisation (``-2``, ``-3``… appended when it is)."""
    import re
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:50].strip("-")
    if not base or not base[0].isalpha():
        base = f"q-{base}" if base else "questionnaire"
    taken = set(
        session.scalars(
            select(Questionnaire.key).where(
                Questionnaire.organisation_id == organisation_id,
                Questionnaire.key.startswith(base),
            )
        )
    )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


#: Parsed definitions by (version id, fingerprint), per process. A published
#: or archived version never changes (the ORM refuses it: see
#: survey_app/models/questionnaire.py), so each is parsed once; the
#: fingerprint, a hash of the content, keeps any entry honest.
_definitions: dict[tuple[int, str], questionnaires.Questionnaire] = {}
_definitions_lock = Lock()
_MAX_CACHED_DEFINITIONS = 256


def cached_definition(version: QuestionnaireVersion) -> questionnaires.Questionnaire:
    """The parsed definition of ``version``, from the per-process cache when it is there.

    Callers must treat the result as read-only: it is shared by every request.
    """
    cache_key = (version.id, version.fingerprint)
    found = _definitions.get(cache_key)
    if found is not None:
        return found
    parsed = questionnaires.load_definition(version.definition, source_name=version.label)
    with _definitions_lock:
        if len(_definitions) >= _MAX_CACHED_DEFINITIONS:
            _definitions.clear()
        return _definitions.setdefault(cache_key, parsed)


def cached_definition_by_id(
    session: Session, version_id: int, fingerprint: str
) -> questionnaires.Questionnaire | None:
    """Like :func:`cached_definition` from the version's id and fingerprint alone.

    A page that read both with its response does not read the version's JSON
    again: only a process that has not parsed this version yet loads it.
    """
    found = _definitions.get((version_id, fingerprint))
    if found is not None:
        return found
    version = session.get(QuestionnaireVersion, version_id)
    return None if version is None else cached_definition(version)


def definition_of(version: QuestionnaireVersion) -> questionnaires.Questionnaire:
    """The validated definition of a stored version (a draft is parsed afresh each time)."""
    if version.status != "draft":
        return cached_definition(version)
    return questionnaires.load_definition(version.definition, source_name=version.label)


def get_questionnaire(session: Session, organisation_id: int, key: str) -> Questionnaire:
    found = session.scalar(
        select(Questionnaire).where(
            Questionnaire.organisation_id == organisation_id, Questionnaire.key == key
        )
    )
    if found is None:
        raise NotFound(f"no questionnaire {key!r} in this organisation")
    return found


def list_questionnaires(session: Session, organisation_id: int) -> list[Questionnaire]:
    return list(
        session.scalars(
            select(Questionnaire)
            .where(Questionnaire.organisation_id == organisation_id)
            .order_by(Questionnaire.key)
        )
    )


def get_version(
    session: Session, organisation_id: int, key: str, number: int | None = None
) -> QuestionnaireVersion:
    """A version of the organisation's questionnaire ``key``; the newest one
    when ``number`` is None. :class:`NotFound` for another organisation's."""
    questionnaire = get_questionnaire(session, organisation_id, key)
    query = select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id
    )
    if number is not None:
        query = query.where(QuestionnaireVersion.number == number)
    version = session.scalar(query.order_by(QuestionnaireVersion.number.desc()))
    if version is None:
        raise NotFound(f"no version {number} of questionnaire {key!r}")
    return version


def draft_of(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == "draft",
        )
    )


def latest_published(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion:
    version = session.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == "published",
        )
        .order_by(QuestionnaireVersion.number.desc())
    )
    if version is None:
        raise DomainError(f"questionnaire {questionnaire.key!r} has no published version")
    return version


def last_released(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The newest version that was ever published (archived ones included):
    the one answers of a new version will be compared with."""
    return session.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status != "draft",
        )
        .order_by(QuestionnaireVersion.number.desc())
    )


def comparability_issues(
    session: Session, version: QuestionnaireVersion
) -> tuple[QuestionnaireVersion | None, list[questionnaires.Issue]]:
    """Changes of a draft that break comparison with the last published version."""
    previous = last_released(session, version.questionnaire)
    if previous is None or previous.id == version.id or version.status != "draft":
        return previous, []
    return previous, questionnaires.comparability_warnings(
        definition_of(previous), definition_of(version)
    )


def is_in_use(session: Session, version: QuestionnaireVersion) -> bool:
    """Whether a study wave or a response points at the version."""
    wave = session.scalar(select(Wave.id).where(Wave.questionnaire_version_id == version.id))
    if wave is not None:
        return True
    answer = session.scalar(
        select(Response.id).where(Response.questionnaire_version_id == version.id).limit(1)
    )
    return answer is not None


def version_usage(session: Session, questionnaire: Questionnaire) -> dict[int, list[str]]:
    """``{version id: ["study/wave", ...]}``: which study waves answer each version,
    so the designer shows what archiving or a new version affects."""
    rows = session.execute(
        select(Wave.questionnaire_version_id, Study.slug, Wave.key)
        .join(Study, Study.id == Wave.study_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Wave.questionnaire_version_id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
        .order_by(Study.slug, Wave.position)
    )
    usage: dict[int, list[str]] = {}
    for version_id, study, wave in rows:
        usage.setdefault(version_id, []).append(f"{study}/{wave}")
    return usage


# --------------------------------------------------------------------------- writing


def _title_of(parsed: questionnaires.Questionnaire) -> str:
    return parsed.title.get(parsed.languages[0], parsed.key)[:300]


def _next_number(session: Session, questionnaire: Questionnaire) -> int:
    last = session.scalar(
        select(func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    )
    return (last or 0) + 1


def _new_version(
    session: Session, questionnaire: Questionnaire, parsed: questionnaires.Questionnaire
) -> QuestionnaireVersion:
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=_next_number(session, questionnaire),
        status="draft",
        definition=questionnaires.dump_definition(parsed),
        fingerprint=questionnaires.fingerprint(parsed),
    )
    session.add(version)
    session.flush()
    session.refresh(questionnaire, ["versions"])
    return version


def save_draft(
    session: Session, organisation: Organisation, definition: dict[str, Any]
) -> QuestionnaireVersion:
    """Validate ``definition`` and store it as the questionnaire's draft version.

    Creates the questionnaire on first save; replaces the current draft if
    there is one, otherwise opens a new draft numbered after the last version.
    Raises :class:`questionnaires.DefinitionError` before anything is written.
    """
    parsed = questionnaires.load_definition(definition, source_name=str(definition.get("key")))
    canonical = questionnaires.dump_definition(parsed)
    questionnaire = session.scalar(
        select(Questionnaire).where(
            Questionnaire.organisation_id == organisation.id, Questionnaire.key == parsed.key
        )
    )
    if questionnaire is None:
        questionnaire = Questionnaire(
            organisation_id=organisation.id, key=parsed.key, title=_title_of(parsed)
        )
        session.add(questionnaire)
        session.flush()
    questionnaire.title = _title_of(parsed)
    draft = draft_of(session, questionnaire)
    if draft is None:
        return _new_version(session, questionnaire, parsed)
    draft.definition = canonical
    draft.fingerprint = questionnaires.fingerprint(parsed)
    session.flush()
    return draft


def update_draft(
    session: Session, version: QuestionnaireVersion, definition: dict[str, Any]
) -> QuestionnaireVersion:
    """Replace the content of a draft after validating the whole definition.

    Refuses a published or archived version (:class:`NotADraft`) and a change
    of key (answers and studies find a questionnaire by it).
    """
    if version.status != "draft":
        raise NotADraft(version)
    parsed = questionnaires.load_definition(definition, source_name=version.label)
    if parsed.key != version.questionnaire.key:
        raise KeyChanged(version.questionnaire.key, parsed.key)
    version.definition = questionnaires.dump_definition(parsed)
    version.fingerprint = questionnaires.fingerprint(parsed)
    version.questionnaire.title = _title_of(parsed)
    session.flush()
    return version


def create_questionnaire(
    session: Session, organisation: Organisation, parsed: questionnaires.Questionnaire
) -> QuestionnaireVersion:
    """A new questionnaire whose version 1 is a draft holding ``parsed``."""
    if session.scalar(
        select(Questionnaire.id).where(
            Questionnaire.organisation_id == organisation.id, Questionnaire.key == parsed.key
        )
    ):
        raise KeyTaken(parsed.key)
    questionnaire = Questionnaire(
        organisation_id=organisation.id, key=parsed.key, title=_title_of(parsed)
    )
    session.add(questionnaire)
    session.flush()
    return _new_version(session, questionnaire, parsed)


def starter_definition(
    key: str,
    languages: list[str],
    title: dict[str, str],
    intro: dict[str, str],
    consent: dict[str, str],
    first_question: dict[str, str],
) -> dict[str, Any]:
    """A minimal valid definition: the format needs one section with one question,
    so a new questionnaire starts with one short text question to rewrite."""
    return {
        "schema": questionnaires.SCHEMA_ID,
        "key": key,
        "languages": languages,
        "title": title,
        "intro": intro,
        "consent": consent,
        "sections": [
            {
                "key": "main",
                "questions": [
                    {"key": "q1", "type": "text_short", "label": first_question},
                ],
            }
        ],
    }


def publish(
    session: Session, version: QuestionnaireVersion, *, by: User | None = None
) -> QuestionnaireVersion:
    """Freeze a draft. Answers will point at it; it can never change again."""
    if version.status != "draft":
        raise NotADraft(version)
    definition_of(version)  # re-validate: never publish an invalid definition
    version.status = "published"
    version.published_at = utcnow()
    version.published_by_id = by.id if by else None
    session.flush()
    return version


def archive(session: Session, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Retire a published version: no new study should use it; studies and
    answers already bound to it keep it (its content never changes)."""
    if version.status != "published":
        raise NotPublished(version)
    version.status = "archived"
    session.flush()
    return version


def new_draft_from(session: Session, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """ "Edit" a published or archived version: copy it into a new draft."""
    if version.status == "draft":
        return version
    existing = draft_of(session, version.questionnaire)
    if existing is not None:
        raise DraftExists(existing)
    return _new_version(session, version.questionnaire, definition_of(version))


def delete_draft(session: Session, version: QuestionnaireVersion) -> bool:
    """Delete a draft; the questionnaire goes too when it has no other version.

    Returns True when the questionnaire itself was deleted.
    """
    if version.status != "draft":
        raise NotADraft(version)
    if is_in_use(session, version):
        raise VersionInUse(version)
    questionnaire = version.questionnaire
    session.delete(version)
    session.flush()
    session.refresh(questionnaire, ["versions"])
    if not questionnaire.versions:
        session.delete(questionnaire)
        session.flush()
        return True
    return False


def duplicate(
    session: Session, organisation: Organisation, version: QuestionnaireVersion, new_key: str
) -> QuestionnaireVersion:
    """A new questionnaire ``new_key`` whose first draft copies ``version``."""
    data = dict(version.definition)
    data["key"] = new_key
    data.pop("version", None)
    parsed = questionnaires.load_definition(data, source_name=new_key)
    return create_questionnaire(session, organisation, parsed)


def import_questionnaire(
    session: Session,
    organisation: Organisation,
    parsed: questionnaires.Questionnaire,
    *,
    replace_draft: bool = False,
) -> QuestionnaireVersion:
    """Store an imported definition as a draft: a new questionnaire, or a new
    draft of the existing one with that key. An existing draft is replaced only
    with ``replace_draft`` (otherwise :class:`DraftExists`)."""
    questionnaire = session.scalar(
        select(Questionnaire).where(
            Questionnaire.organisation_id == organisation.id, Questionnaire.key == parsed.key
        )
    )
    if questionnaire is None:
        return create_questionnaire(session, organisation, parsed)
    draft = draft_of(session, questionnaire)
    if draft is not None and not replace_draft:
        raise DraftExists(draft)
    if draft is not None:
        return update_draft(session, draft, questionnaires.dump_definition(parsed))
    questionnaire.title = _title_of(parsed)
    return _new_version(session, questionnaire, parsed)


def install_builtin(session: Session, organisation: Organisation, key: str) -> QuestionnaireVersion:
    """Give an organisation its own published copy of a built-in questionnaire (idempotent)."""
    definition = questionnaires.dump_definition(questionnaires.load_builtin(key))
    existing = session.scalar(
        select(Questionnaire).where(
            Questionnaire.organisation_id == organisation.id, Questionnaire.key == key
        )
    )
    if existing is not None:
        return latest_published(session, existing)
    return publish(session, save_draft(session, organisation, definition))


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class ParsedUpload:
    """The outcome of reading an uploaded definition, before anything is stored.

    ``errors`` non-empty: refused. Otherwise ``questionnaire`` is set and
    ``ignored`` lists XLSForm constructs that will be dropped if the user
    explicitly accepts.
    """

    questionnaire: questionnaires.Questionnaire | None
    errors: list[questionnaires.Issue] = field(default_factory=list)
    ignored: list[questionnaires.Issue] = field(default_factory=list)
    #: XLSForm: what the import filled in (standard texts, missing translations…).
    notes: list[questionnaires.Issue] = field(default_factory=list)


def parse_upload(
    data: bytes, filename: str, *, key: str | None = None, language: str | None = None
) -> ParsedUpload:
    """Read ``.xlsx``/``.xls`` (XLSForm), ``.json``, ``.yaml``/``.yml`` bytes; never
    raises for bad content. ``key`` overrides the key written in the file;
    ``language`` is the language of an XLSForm's plain label columns when its
    settings do not say (French by default)."""
    name = PurePath(filename).name or "upload"
    suffix = PurePath(name).suffix.lower()
    if suffix in (".xlsx", ".xls"):
        options: dict[str, Any] = {"filename": name, "key": key}
        if language is not None:
            options["default_language"] = language
        try:
            result = questionnaires.read_xlsform(data, **options)
            return ParsedUpload(result.questionnaire, notes=list(result.notes))
        except questionnaires.DefinitionError as strict:
            try:
                result = questionnaires.read_xlsform(data, accept_ignored=True, **options)
            except questionnaires.DefinitionError:
                return ParsedUpload(None, errors=strict.issues)
            return ParsedUpload(
                result.questionnaire, ignored=list(result.ignored), notes=list(result.notes)
            )
    if suffix in (".json", ".yaml", ".yml"):
        if len(data) > MAX_DEFINITION_BYTES:
            return ParsedUpload(
                None,
                errors=[
                    questionnaires.Issue(
                        name,
                        f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                        f"{MAX_DEFINITION_BYTES / 1e6:.0f} MB",
                        "file_too_large",
                    )
                ],
            )
        source: bytes | dict[str, Any] = data
        if key is not None:
            try:
                loaded = questionnaires.load_definition(data, source_name=name)
            except questionnaires.DefinitionError:
                pass  # report the file's own problems below, without the override
            else:
                source = questionnaires.dump_definition(loaded) | {"key": key}
        try:
            return ParsedUpload(questionnaires.load_definition(source, source_name=name))
        except questionnaires.DefinitionError as error:
            return ParsedUpload(None, errors=error.issues)
    return ParsedUpload(
        None,
        errors=[
            questionnaires.Issue(
                name,
                "unsupported file type; use an XLSForm workbook (.xlsx or .xls) or a "
                "definition in JSON (.json) or YAML (.yaml)",
                "unsupported_file_type",
            )
        ],
    )


def export_definition(definition: questionnaires.Questionnaire, fmt: str) -> tuple[bytes, str, str]:
    """``(content, mimetype, file suffix)`` of a definition in ``fmt``."""
    if fmt == "xlsform":
        return questionnaires.write_xlsform(definition), XLSX_MIMETYPE, ".xlsx"
    if fmt == "json":
        text = json.dumps(questionnaires.dump_definition(definition), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8"), "application/json", ".json"
    raise DomainError(f"unknown export format {fmt!r}; use {' or '.join(EXPORT_FORMATS)}")
