"""Questionnaire designer for quality managers.

Views are thin: a form parses the request, :mod:`survey_app.design.editing`
builds the new definition, :mod:`survey_app.services.questionnaire_store`
validates and stores it, and the view commits once. An invalid definition is
shown with every issue and the form as typed; nothing is saved.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import FieldList, FormField

import questionnaires
from survey_app.design import editing, uploads
from survey_app.design.forms import (
    LANGUAGE_LABELS,
    MAX_CHOICE_ROWS,
    MAX_CLAUSE_ROWS,
    NEW_SECTION,
    TYPE_LABELS,
    BuiltinForm,
    ConfirmForm,
    DuplicateForm,
    ImportConfirmForm,
    ImportForm,
    MoveForm,
    NewQuestionnaireForm,
    QuestionForm,
    SectionForm,
    SettingsForm,
    options,
    translations_form_class,
)
from survey_app.design.issues import (
    attach_fields,
    describe_error,
    describe_issues,
    question_field,
    settings_field,
    status_label,
)
from survey_app.extensions import db
from survey_app.models import Organisation, QuestionnaireVersion
from survey_app.security.permissions import Permission, requires
from survey_app.security.sessions import current_organisation_id
from survey_app.services import audit
from survey_app.services import questionnaire_store as store
from survey_app.services import studies as studies_service
from survey_app.services.errors import DomainError, NotFound

blueprint = Blueprint("design", __name__, url_prefix="/design")

Page = str | Response | tuple[str, int]
VERSION = "/<key>/v<int:number>"


# --------------------------------------------------------------------------- helpers


@blueprint.context_processor
def _designer_helpers() -> dict[str, Any]:
    return {
        "status_label": status_label,
        "type_label": lambda qtype: str(TYPE_LABELS.get(qtype, qtype)),
        "language_name": lambda lang: str(LANGUAGE_LABELS.get(lang, lang)),
        "condition_text": condition_text,
        "shown_if": shown_if,
        "clause_words": clause_words,
        "interface_language": interface_language,
        "respondent_words": respondent_words,
        "flat_errors": flat_errors,
        "polarity_label": lambda polarity: (
            _("negative") if polarity == "negative" else _("positive")
        ),
    }


def flat_errors(form: Any) -> list[tuple[str, str, str]]:
    """(field id, field label, message) of every error, nested rows included,
    for the error summary's links."""
    found: list[tuple[str, str, str]] = []
    for item in form:
        if isinstance(item, FieldList):
            for entry in item.entries:
                found.extend(flat_errors(entry.form))
        elif isinstance(item, FormField):
            found.extend(flat_errors(item.form))
        else:
            found.extend((item.id, str(item.label.text), str(e)) for e in item.errors)
    return found


def interface_language(definition: questionnaires.Questionnaire | None) -> str:
    """The interface's language when the questionnaire has it, else its first language.

    Staff read conditions and labels in the language of the screen; a French-only
    questionnaire on an English screen still shows its French wording.
    """
    shown_in = str(get_locale() or "")
    if definition is None:
        return shown_in or "fr"
    return shown_in if shown_in in definition.languages else definition.languages[0]


def quoted(text: str) -> str:
    """A question or an answer quoted as the interface language quotes it."""
    return f"« {text} »" if str(get_locale() or "") == "fr" else f"‘{text}’"


def clause_words(question: str, codes: list[str], *, negate: bool) -> str:
    """One clause in words: "'How did you come?' is 'By bus' or 'On foot'"."""
    answers = _(" or ").join(quoted(code) for code in codes)
    if negate:
        return _("%(question)s is not %(codes)s", question=quoted(question), codes=answers)
    return _("%(question)s is %(codes)s", question=quoted(question), codes=answers)


def condition_text(
    condition: questionnaires.Condition,
    definition: questionnaires.Questionnaire | None = None,
    lang: str | None = None,
) -> str:
    """The condition in words: "'How did you come?' is 'By bus' or 'On foot'".

    Labels are taken in ``lang`` (default: the interface language when the
    questionnaire has it); without the definition (or for a question it lacks),
    keys and codes are shown.
    """
    by_key = {q.key: q for q in definition.questions} if definition is not None else {}
    lang = lang or interface_language(definition)
    parts = []
    for clause in condition.clauses:
        target = by_key.get(clause.question)
        if target is not None:
            labels = {c.code: c.label for c in target.choices_for_display(lang)}
            name = target.label.get(lang) or clause.question
            codes = [labels.get(code, code) for code in clause.codes]
        else:
            name, codes = clause.question, list(clause.codes)
        parts.append(clause_words(name, codes, negate=clause.negate))
    joiner = _(" and ") if condition.combine == "all" else _(" or ")
    return joiner.join(parts)


def shown_if(
    condition: questionnaires.Condition, definition: questionnaires.Questionnaire | None = None
) -> str:
    """The sentence staff read under a question: "Shown if 'How did you come?' is 'By bus'"."""
    return _("Shown if %(condition)s", condition=condition_text(condition, definition))


def respondent_words(lang: str) -> dict[str, str]:
    """The few survey words around questions, in the previewed language."""
    with force_locale(lang):
        return {
            "or": _("or"),
            "select_all": _("Select all that apply."),
            # Placeholders filled in the template: one string per language.
            "progress": _("Question %(number)s of %(total)s"),
            "pna": str(questionnaires.model.PNA_LABEL.get(lang, "")),
        }


def _organisation() -> Organisation:
    organisation = db.session.get(Organisation, current_organisation_id())
    if organisation is None:  # pragma: no cover - membership implies the organisation
        abort(404)
    return organisation


def _version(key: str, number: int | None = None) -> QuestionnaireVersion:
    try:
        return store.get_version(db.session, current_organisation_id(), key, number)
    except NotFound:
        abort(404)


def _version_url(version: QuestionnaireVersion, **anchor: Any) -> str:
    return url_for("design.version", key=version.questionnaire.key, number=version.number, **anchor)


def _conflict(version: QuestionnaireVersion, error: Exception) -> tuple[str, int]:
    """A refused change (published version, existing draft…): 409 with the reason."""
    db.session.rollback()
    return (
        render_template("design/conflict.html", version=version, message=describe_error(error)),
        409,
    )


def _not_a_draft(version: QuestionnaireVersion) -> tuple[str, int] | None:
    if version.status != "draft":
        return _conflict(version, store.NotADraft(version))
    return None


def _save(version: QuestionnaireVersion, definition: dict[str, Any]) -> list[dict[str, str]]:
    """Validate and store a new definition of the draft; the issues if refused."""
    try:
        store.update_draft(db.session, version, definition)
    except questionnaires.DefinitionError as error:
        db.session.rollback()
        return describe_issues(error.issues)
    except DomainError as error:
        db.session.rollback()
        return [{"location": "", "message": describe_error(error)}]
    return []


def _audit(action: str, version: QuestionnaireVersion, **details: Any) -> None:
    audit.record(
        db.session,
        action,
        actor=g.user,
        organisation_id=current_organisation_id(),
        object_type="questionnaire_version",
        object_id=version.id,
        details={"key": version.questionnaire.key, "number": version.number, **details},
    )


def _languages(version: QuestionnaireVersion) -> list[str]:
    return list(version.definition.get("languages", ["fr"]))


# --------------------------------------------------------------------------- list, create


@blueprint.get("/")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def index() -> str:
    found = store.list_questionnaires(db.session, current_organisation_id())
    return render_template("design/index.html", questionnaires=found, builtin_form=BuiltinForm())


@blueprint.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def new() -> Page:
    form = NewQuestionnaireForm()
    if request.method == "GET":
        # A new user should not have to write an introduction and a consent text
        # before seeing a first draft: the standard ones (as the XLSForm import) are
        # offered, to edit or keep.
        from questionnaires.xlsform import STANDARD_TEXTS

        for name in ("intro", "consent"):
            for lang in ("fr", "en"):
                getattr(getattr(form, name).form, lang).data = STANDARD_TEXTS[name][lang]
    issues: list[dict[str, str]] = []
    if form.validate_on_submit():
        languages = [lang for lang in ("fr", "en") if lang in form.languages.data]
        key = (form.key.data or "").strip() or store.suggest_key(
            db.session,
            _organisation().id,
            next((t for t in form.title.form.as_text(languages).values() if t), ""),
        )
        form.key.data = key
        definition = store.starter_definition(
            key,
            languages,
            form.title.form.as_text(languages),
            form.intro.form.as_text(languages),
            form.consent.form.as_text(languages),
            form.first_question.form.as_text(languages),
        )
        try:
            parsed = questionnaires.load_definition(definition, source_name=form.key.data)
            version = store.create_questionnaire(db.session, _organisation(), parsed)
        except questionnaires.DefinitionError as error:
            db.session.rollback()
            issues = attach_fields(describe_issues(error.issues), form, _new_form_field)
        except DomainError as error:
            db.session.rollback()
            issues = [{"location": "", "message": describe_error(error)}]
        else:
            db.session.commit()
            flash(_("Draft created. Add your questions."), "success")
            return redirect(_version_url(version))
    status = 400 if form.errors or issues else 200
    return render_template("design/new.html", form=form, issues=issues), status


def _new_form_field(location: str) -> str | None:
    """The create form's field an issue is about (the first question is ``q1``)."""
    field = question_field(location, "q1")
    if field is not None and field.startswith("label-"):
        return "first_question-" + field.removeprefix("label-")
    return settings_field(location)


@blueprint.post("/builtin")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def install_builtin() -> Response:
    form = BuiltinForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = store.install_builtin(db.session, _organisation(), form.builtin.data)
    except DomainError:
        db.session.rollback()
        flash(
            _(
                "You already have a questionnaire with the key %(key)s and it has no "
                "published version. Open it to publish one.",
                key=form.builtin.data,
            ),
            "error",
        )
        return redirect(url_for("design.questionnaire", key=form.builtin.data))
    db.session.commit()
    flash(_("The standard questionnaire is in your list."), "success")
    return redirect(_version_url(version))


# --------------------------------------------------------------------------- import


@blueprint.route("/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def import_file() -> Page:
    form = ImportForm()
    issues: list[dict[str, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(uploads.MAX_BYTES + 1)
        key = (form.key.data or "").strip() or None
        parsed = store.parse_upload(
            data, upload.filename or "upload", key=key, language=form.language.data
        )
        if parsed.errors:
            issues = describe_issues(parsed.errors)
        elif parsed.ignored:
            assert parsed.questionnaire is not None  # noqa: S101 (no errors: parsed)
            confirm = ImportConfirmForm(formdata=None)
            confirm.payload.data = uploads.sign(
                parsed.questionnaire,
                parsed.ignored,
                upload.filename or "upload",
                replace_draft=bool(form.replace_draft.data),
                notes=parsed.notes,
            )
            return render_template(
                "design/import_confirm.html",
                form=confirm,
                ignored=describe_issues(parsed.ignored),
                questionnaire=parsed.questionnaire,
            )
        else:
            assert parsed.questionnaire is not None  # noqa: S101 (no errors: parsed)
            result = _store_import(
                parsed.questionnaire,
                upload.filename or "upload",
                0,
                replace_draft=bool(form.replace_draft.data),
            )
            if isinstance(result, QuestionnaireVersion):
                uploads.flash_notes(parsed.notes)
                return redirect(_version_url(result))
            issues = result
    status = 400 if form.errors or issues else 200
    return render_template("design/import.html", form=form, issues=issues), status


@blueprint.post("/import/confirm")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def import_confirm() -> Page:
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        staged = uploads.unsign(form.payload.data)
    except uploads.StaleUpload:
        flash(_("The checked file has expired or was altered. Upload it again."), "error")
        return redirect(url_for("design.import_file"))
    if not form.accept_ignored.data:
        return (
            render_template(
                "design/import_confirm.html",
                form=form,
                ignored=describe_issues(staged.ignored),
                questionnaire=staged.questionnaire,
                consent_missing=True,
            ),
            400,
        )
    result = _store_import(
        staged.questionnaire,
        staged.filename,
        len(staged.ignored),
        replace_draft=staged.replace_draft,
    )
    if isinstance(result, QuestionnaireVersion):
        uploads.flash_notes(staged.notes)
        return redirect(_version_url(result))
    return render_template("design/import.html", form=ImportForm(formdata=None), issues=result), 409


def _store_import(
    parsed: questionnaires.Questionnaire, filename: str, ignored: int, *, replace_draft: bool
) -> QuestionnaireVersion | list[dict[str, str]]:
    try:
        version = store.import_questionnaire(
            db.session, _organisation(), parsed, replace_draft=replace_draft
        )
    except questionnaires.DefinitionError as error:
        db.session.rollback()
        return describe_issues(error.issues)
    except DomainError as error:
        db.session.rollback()
        return [{"location": "", "message": describe_error(error)}]
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    _audit("questionnaire.import", version, format=suffix, ignored=ignored)
    db.session.commit()
    flash(_("Imported as a draft. Check it, preview it, then publish it."), "success")
    return version


# --------------------------------------------------------------------------- questionnaire


@blueprint.get("/<key>/")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def questionnaire(key: str) -> str:
    try:
        found = store.get_questionnaire(db.session, current_organisation_id(), key)
    except NotFound:
        abort(404)
    return render_template(
        "design/questionnaire.html",
        questionnaire=found,
        draft=store.draft_of(db.session, found),
        usage=studies_service.version_usage_names(db.session, current_organisation_id(), found.id),
        confirm=ConfirmForm(),
    )


@blueprint.route("/<key>/duplicate", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def duplicate(key: str) -> Page:
    source = _version(key, request.args.get("version", type=int))
    form = DuplicateForm()
    issues: list[dict[str, str]] = []
    if form.validate_on_submit():
        try:
            copy = store.duplicate(db.session, _organisation(), source, form.new_key.data.strip())
        except questionnaires.DefinitionError as error:
            db.session.rollback()
            issues = describe_issues(error.issues)
        except DomainError as error:
            db.session.rollback()
            issues = [{"location": "", "message": describe_error(error)}]
        else:
            db.session.commit()
            flash(_("Copy created as a draft."), "success")
            return redirect(_version_url(copy))
    status = 400 if form.errors or issues else 200
    return render_template("design/duplicate.html", form=form, issues=issues, source=source), status


# --------------------------------------------------------------------------- one version


@blueprint.get(VERSION + "/")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def version(key: str, number: int) -> str:
    found = _version(key, number)
    previous, warnings = store.comparability_issues(db.session, found)
    return render_template(
        "design/version.html",
        version=found,
        definition=store.definition_of(found),
        previous=previous,
        warnings=describe_issues(warnings),
        draft=store.draft_of(db.session, found.questionnaire),
        confirm=ConfirmForm(),
        move=MoveForm(),
    )


@blueprint.get(VERSION + "/preview")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def preview(key: str, number: int) -> str:
    found = _version(key, number)
    definition = store.definition_of(found)
    lang = request.args.get("in", definition.languages[0])
    if lang not in definition.languages:
        lang = definition.languages[0]
    # The preview runs the conditions on the answers ticked in it (a GET form: nothing saved).
    answers: dict[str, str | None] = {}
    shown: dict[str, bool] = {}
    for question in definition.questions:
        shown[question.key] = questionnaires.is_shown(question, answers)
        if shown[question.key] and question.is_closed:
            picked = [code for code in request.args.getlist(question.key) if code]
            answers[question.key] = " ".join(picked) or None
    return render_template(
        "design/preview.html",
        version=found,
        definition=definition,
        lang=lang,
        shown=shown,
        answers=answers,
    )


@blueprint.get(VERSION + "/export/<fmt>")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def export(key: str, number: int, fmt: str) -> Response:
    found = _version(key, number)
    if fmt not in store.EXPORT_FORMATS:
        abort(404)
    content, mimetype, suffix = store.export_definition(store.definition_of(found), fmt)
    _audit("questionnaire.export", found, format=fmt)
    db.session.commit()
    response = Response(content, mimetype=mimetype)
    filename = f"{found.questionnaire.key}-v{found.number}{suffix}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blueprint.route(VERSION + "/publish", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def publish(key: str, number: int) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            store.publish(db.session, found, by=g.user)
        except (DomainError, questionnaires.DefinitionError) as error:
            return _conflict(found, error)
        _audit("questionnaire.publish", found)
        db.session.commit()
        flash(
            _("Version %(number)s is published. It can no longer change.", number=found.number),
            "success",
        )
        return redirect(_version_url(found))
    previous, warnings = store.comparability_issues(db.session, found)
    return render_template(
        "design/publish.html",
        version=found,
        form=form,
        previous=previous,
        warnings=describe_issues(warnings),
        definition=store.definition_of(found),
    )


@blueprint.post(VERSION + "/archive")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def archive(key: str, number: int) -> Page:
    found = _version(key, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        store.archive(db.session, found)
    except DomainError as error:
        return _conflict(found, error)
    _audit("questionnaire.archive", found)
    db.session.commit()
    flash(_("Version %(number)s is archived.", number=found.number), "success")
    return redirect(_version_url(found))


@blueprint.post(VERSION + "/new-draft")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def new_draft(key: str, number: int) -> Page:
    found = _version(key, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        draft = store.new_draft_from(db.session, found)
    except DomainError as error:
        return _conflict(found, error)
    db.session.commit()
    flash(_("New draft created from version %(number)s.", number=found.number), "success")
    return redirect(_version_url(draft))


@blueprint.route(VERSION + "/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def delete(key: str, number: int) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            gone = store.delete_draft(db.session, found)
        except DomainError as error:
            return _conflict(found, error)
        db.session.commit()
        flash(_("The draft is deleted."), "success")
        if gone:
            return redirect(url_for("design.index"))
        return redirect(url_for("design.questionnaire", key=key))
    return render_template("design/delete.html", version=found, form=form)


# --------------------------------------------------------------------------- draft editing


@blueprint.route(VERSION + "/settings", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def settings(key: str, number: int) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    definition = found.definition
    form = SettingsForm(
        data={
            "version_label": definition.get("version", ""),
            "title": definition["title"],
            "intro": definition["intro"],
            "consent": definition["consent"],
        }
    )
    issues: list[dict[str, str]] = []
    if form.validate_on_submit():
        languages = _languages(found)
        changed = dict(definition)
        for name in ("title", "intro", "consent"):
            changed[name] = form[name].form.as_text(languages)
        label = (form.version_label.data or "").strip()
        if label:
            changed["version"] = label
        else:
            changed.pop("version", None)
        issues = attach_fields(_save(found, changed), form, settings_field)
        if not issues:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(_version_url(found))
    status = 400 if form.errors or issues else 200
    return render_template(
        "design/settings.html",
        version=found,
        form=form,
        issues=issues,
        languages=_languages(found),
    ), status


@blueprint.route(VERSION + "/translations", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def translations(key: str, number: int) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    definition = found.definition
    paths = editing.text_paths(definition)
    form_class = translations_form_class(len(paths))
    data: dict[str, Any] = {"languages": _languages(found)}
    for i, (path, _where) in enumerate(paths):
        data[f"t{i}"] = editing.text_at(definition, path)
    form = form_class(data=data)
    issues: list[dict[str, str]] = []
    if form.validate_on_submit():
        languages = [lang for lang in ("fr", "en") if lang in form.languages.data]
        texts = {path: form[f"t{i}"].form.as_text(languages) for i, (path, _w) in enumerate(paths)}
        changed = editing.set_texts(definition, texts)
        changed["languages"] = languages
        issues = _save(found, changed)
        if not issues:
            db.session.commit()
            flash(_("Translations saved."), "success")
            return redirect(_version_url(found))
    rows = [(form[f"t{i}"], where, path) for i, (path, where) in enumerate(paths)]
    status = 400 if form.errors or issues else 200
    return render_template(
        "design/translations.html", version=found, form=form, rows=rows, issues=issues
    ), status


def _question_form(
    found: QuestionnaireVersion,
    data: dict[str, Any] | None,
    own_key: str | None,
    formdata: Any = True,
) -> QuestionForm:
    form = QuestionForm(data=data) if formdata is True else QuestionForm(formdata=None, data=data)
    definition = found.definition
    langs = _languages(found)
    shown_in = str(get_locale() or "")
    label_lang = shown_in if shown_in in langs else langs[0]
    sections = [
        (s["key"], (s.get("title") or {}).get(langs[0]) or s["key"]) for s in definition["sections"]
    ]
    form.section.choices = options([*sections, (NEW_SECTION, _("A new section…"))])
    # Conditions look back: only closed questions before this one (all, for a new one).
    earlier = []
    for q in editing.questions(definition):
        if q["key"] == own_key:
            break
        earlier.append(q)
    closed = [
        (q["key"], f"{q['label'].get(label_lang, '')[:70]} ({q['key']})")
        for q in earlier
        if q["type"] in questionnaires.model.CLOSED_TYPES
    ]
    for row in form.clauses:
        row.form.question.choices = options([("", _("(no condition)")), *closed])
    # The answers each earlier question offers, to tick in a condition.
    parsed = store.definition_of(found)
    keys = {key for key, _label in closed}
    form.answer_choices = {  # type: ignore[attr-defined]
        q.key: [(c.code, c.label) for c in q.choices_for_display(label_lang)]
        for q in parsed.questions
        if q.key in keys
    }
    return form


def _pad_rows(data: dict[str, Any]) -> dict[str, Any]:
    """Blank rows to type new choices and conditions into."""
    data = dict(data)
    data["choices"] = [*data.get("choices", []), {}, {}][:MAX_CHOICE_ROWS]
    data["clauses"] = [*data.get("clauses", []), {}][:MAX_CLAUSE_ROWS]
    return data


def _row_action(form: QuestionForm) -> dict[str, Any] | None:
    """Apply an add/move/remove row button; the new form data, or None when
    the submit button (save) was used."""
    action = form.action.data or ""
    if not action:
        return None
    data = form.data
    choices = list(data["choices"])
    name, _sep, index_text = action.partition(":")
    index = int(index_text) if index_text.isdigit() else -1
    if name == "refresh":
        pass  # re-render for the chosen type or condition question, saving nothing
    elif name == "add_choice":
        choices.extend({} for _ in range(3))
    elif name == "add_clause":
        data["clauses"] = [*data["clauses"], {}]
    elif name == "choice_up" and 0 < index < len(choices):
        choices[index - 1], choices[index] = choices[index], choices[index - 1]
    elif name == "choice_down" and 0 <= index < len(choices) - 1:
        choices[index + 1], choices[index] = choices[index], choices[index + 1]
    elif name == "choice_remove" and 0 <= index < len(choices):
        del choices[index]
    data["choices"] = choices[:MAX_CHOICE_ROWS]
    data["clauses"] = data["clauses"][:MAX_CLAUSE_ROWS]
    data.pop("csrf_token", None)
    data["action"] = ""
    return data


def _question_page(
    found: QuestionnaireVersion, own_key: str | None, initial: dict[str, Any]
) -> Page:
    refused = _not_a_draft(found)
    if refused:
        return refused
    form = _question_form(found, initial, own_key)
    issues: list[dict[str, str]] = []
    if request.method == "POST":
        changed_rows = _row_action(form)
        if changed_rows is None:
            taken = {q["key"] for q in editing.questions(found.definition) if q["key"] != own_key}
            form.fill_missing_keys(taken, _languages(found))
        if changed_rows is not None:
            form = _question_form(found, changed_rows, own_key, formdata=False)
        elif form.validate():
            languages = _languages(found)
            question = form.to_question(languages)
            new_section = None
            if form.section.data == NEW_SECTION:
                new_section = {"key": (form.new_section_key.data or "").strip()}
            try:
                changed = editing.put_question(
                    found.definition,
                    question,
                    section_key=form.section.data,
                    replacing=own_key,
                    new_section=new_section,
                )
            except editing.EditError:
                issues = [{"location": "", "message": _("Choose a section.")}]
            else:
                issues = attach_fields(
                    _save(found, changed),
                    form,
                    lambda where: question_field(where, question["key"]),
                )
                if not issues:
                    db.session.commit()
                    flash(_("Question %(key)s saved.", key=question["key"]), "success")
                    return redirect(_version_url(found, _anchor=f"q-{question['key']}"))
    status = 400 if form.errors or issues else 200
    return render_template(
        "design/question.html",
        version=found,
        form=form,
        issues=issues,
        own_key=own_key,
        languages=_languages(found),
    ), status


@blueprint.route(VERSION + "/questions/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def new_question(key: str, number: int) -> Page:
    found = _version(key, number)
    section = request.args.get("section") or found.definition["sections"][-1]["key"]
    initial = _pad_rows({"type": "agreement", "section": section})
    return _question_page(found, None, initial)


@blueprint.route(VERSION + "/questions/<qkey>", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def edit_question(key: str, number: int, qkey: str) -> Page:
    found = _version(key, number)
    try:
        si, qi = editing.locate(found.definition, qkey)
    except editing.EditError:
        abort(404)
    section = found.definition["sections"][si]
    question = section["questions"][qi]
    initial = _pad_rows(QuestionForm.data_from_question(question, section["key"]))
    return _question_page(found, qkey, initial)


@blueprint.post(VERSION + "/questions/<qkey>/move")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def move_question(key: str, number: int, qkey: str) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = editing.move_question(found.definition, qkey, form.direction.data)
    except editing.EditError:
        abort(404)
    return _apply_or_explain(found, changed, f"q-{qkey}")


@blueprint.route(VERSION + "/questions/<qkey>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def delete_question(key: str, number: int, qkey: str) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    try:
        changed = editing.delete_question(found.definition, qkey)
    except editing.EditError:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _apply_or_explain(found, changed, "questions")
    return render_template(
        "design/delete_item.html", version=found, form=form, what="question", item=qkey
    )


def _apply_or_explain(found: QuestionnaireVersion, changed: dict[str, Any], anchor: str) -> Page:
    issues = _save(found, changed)
    if issues:
        return render_template("design/refused.html", version=found, issues=issues), 400
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(_version_url(found, _anchor=anchor))


@blueprint.route(VERSION + "/sections/<skey>", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def edit_section(key: str, number: int, skey: str) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    try:
        section = found.definition["sections"][editing.section_index(found.definition, skey)]
    except editing.EditError:
        abort(404)
    form = SectionForm(data={"key": section["key"], "title": section.get("title", {})})
    issues: list[dict[str, str]] = []
    if form.validate_on_submit():
        changed = editing.update_section(
            found.definition,
            skey,
            new_key=form.key.data.strip(),
            title=form.title.form.as_text(_languages(found)),
        )
        issues = _save(found, changed)
        if not issues:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(_version_url(found, _anchor=f"s-{form.key.data.strip()}"))
    status = 400 if form.errors or issues else 200
    return render_template(
        "design/section.html",
        version=found,
        form=form,
        issues=issues,
        skey=skey,
        languages=_languages(found),
    ), status


@blueprint.post(VERSION + "/sections/<skey>/move")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def move_section(key: str, number: int, skey: str) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        changed = editing.move_section(found.definition, skey, form.direction.data)
    except editing.EditError:
        abort(404)
    return _apply_or_explain(found, changed, f"s-{skey}")


@blueprint.route(VERSION + "/sections/<skey>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_QUESTIONNAIRES)
def delete_section(key: str, number: int, skey: str) -> Page:
    found = _version(key, number)
    refused = _not_a_draft(found)
    if refused:
        return refused
    try:
        changed = editing.delete_section(found.definition, skey)
    except editing.EditError:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _apply_or_explain(found, changed, "questions")
    return render_template(
        "design/delete_item.html", version=found, form=form, what="section", item=skey
    )


@blueprint.get("/xlsform-conventions")
@requires(Permission.MANAGE_QUESTIONNAIRES)
def xlsform_conventions() -> str:
    """What an XLSForm file may contain, and the ``ecoute::…`` columns."""
    return render_template("design/xlsform_conventions.html")
