"""The respondent's survey: ``/s/<token>`` exchanges the token, then ``/s/...`` pages.

The token is looked up once, exchanged for a respondent session (the response
id in the signed session cookie) and the browser is redirected to ``/s/``:
the token never stays in the address bar, history, referrers or logs. Every
later page works from the session. Pages work without JavaScript; each write
is one POST, committed once at the end of the view (Post/Redirect/Get).

Unknown, used, expired and paused links all get the same page with status
404 — not 410 for expired ones, because a distinct status would tell a
prober that a token once existed. Unknown tokens are counted per client and
refused with 429 after :data:`~survey_app.services.ratelimit.SURVEY_TOKEN_MISSES`;
a valid token is never refused (only misses are limited).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as HttpResponse

from questionnaires import PNA_CODE, Question, Questionnaire
from survey_app.extensions import db
from survey_app.models import OpenLink, QuestionnaireVersion, Response, Wave
from survey_app.respond.forms import (
    AssistForm,
    CodeForm,
    ConsentForm,
    PageForm,
    QuestionForm,
    ReviewForm,
    new_submission_key,
    question_form,
)
from survey_app.security.permissions import Permission, public, requires
from survey_app.security.sessions import SESSION_KEY, current_organisation_id
from survey_app.services import beneficiaries, ratelimit, survey
from survey_app.services.errors import Conflict, DomainError, NotFound
from survey_app.services.tokens import normalise_short_code

blueprint = Blueprint("respond", __name__)

RESPONSE_KEY = "respond_response"
OPEN_LINK_KEY = "respond_open_link"
#: Cookie set after an open-link response, so the same phone is not counted twice.
OPEN_LINK_DONE_COOKIE = "ecoute_open_done"
OPEN_LINK_DONE_DAYS = 180
#: Per open link, the unfinished response this browser started (signed, random id only):
#: opening the poster's link again on the same phone continues where the person stopped.
OPEN_LINK_RESUME_COOKIE = "ecoute_open_resume_%d"
OPEN_LINK_RESUME_DAYS = 14

Page = HttpResponse | str | tuple[str, int] | tuple[str, int, dict[str, str]]


def _language() -> str:
    language = str(get_locale() or "fr")
    return language if language in ("fr", "en") else "fr"


def _unavailable() -> tuple[str, int]:
    return render_template("respond/unavailable.html"), 404


def _too_many() -> tuple[str, int, dict[str, str]]:
    seconds = ratelimit.SURVEY_TOKEN_MISSES.seconds
    return render_template("respond/too_many.html"), 429, {"Retry-After": str(seconds)}


def _client_key() -> str:
    return ratelimit.client_key("survey-token", request.remote_addr, current_app.secret_key or "")


def _start_respondent_session(response_id: str | None, open_link_id: int | None = None) -> None:
    """Keep the staff sign-in and the language; replace any previous survey."""
    session.pop(RESPONSE_KEY, None)
    session.pop(OPEN_LINK_KEY, None)
    if response_id is not None:
        session[RESPONSE_KEY] = response_id
    if open_link_id is not None:
        session[OPEN_LINK_KEY] = open_link_id


# --- entering a survey ---------------------------------------------------------------


def _miss(key: str) -> bool:
    """Count one unusable token or code for this client; True when it is over its limit.

    Only misses are limited: a valid link or card code is always looked up and
    always works, so one mistyped card on a shelter's shared connection never
    locks everyone else there out of their surveys.
    """
    db.session.rollback()
    limited = ratelimit.is_limited(db.session, key, ratelimit.SURVEY_TOKEN_MISSES)
    if not limited:
        ratelimit.count(db.session, key, ratelimit.SURVEY_TOKEN_MISSES)
    db.session.commit()
    return limited


def _exchange(token: str, *, missed: Any = None) -> Page:
    """Start the survey of ``token``; on a miss, ``missed()`` (default: the unusable page)."""
    key = _client_key()
    try:
        response = survey.open_invitation(db.session, token, language=_language())
    except survey.LinkUnavailable:
        if _miss(key):
            return _too_many()
        return missed() if missed is not None else _unavailable()
    _start_respondent_session(response.id)
    db.session.commit()
    return redirect(url_for("respond.resume"), code=303)


@blueprint.get("/s/<token>")
@public
def open_link(token: str) -> Page:
    """A single-use link: exchange its token for a respondent session, then drop it from the URL."""
    return _exchange(token)


@blueprint.route("/code", methods=["GET", "POST"])
@public
def enter_code() -> Page:
    """The printed card says "go to <site>/code and type your code": this is that page.

    The code is sent by POST (CSRF-protected) so it does not stay in the
    browser history; a GET with ``?code=`` from an old bookmark still works.
    A code of the wrong shape, or one that cannot be used (unknown, used,
    expired: all alike, so codes cannot be probed), is shown again in the
    field with a GOV.UK-style error; an unusable code counts as a miss for
    the rate limit.
    """
    form = CodeForm()
    typed = request.values.get("code", "")
    if request.method == "GET" and not typed:
        return render_template("respond/enter_code.html", form=form)
    if request.method == "POST" and not form.validate_on_submit():
        return render_template("respond/enter_code.html", form=form), 400
    code = normalise_short_code(typed)
    if code is None:
        form.code.errors = [
            _("Type the 10 letters and numbers of your card, for example K7QM-4TZ2-9B.")
        ]
        return render_template("respond/enter_code.html", form=form), 400

    def not_recognised() -> Page:
        form.code.data = typed
        form.code.errors = [_("We do not recognise this code: check the letters and numbers")]
        return render_template("respond/enter_code.html", form=form), 400

    return _exchange(code, missed=not_recognised)


@blueprint.get("/s/link-unavailable")
@public
def unavailable() -> Page:
    """Where the language switch of the "cannot be used" page leads (no token in it)."""
    return _unavailable()


@blueprint.get("/o/<token>")
@public
def open_anonymous(token: str) -> Page:
    """An open link (poster, reception desk): anonymous answers, basic duplicate protection."""
    try:
        link = survey.find_open_link(db.session, token)
    except survey.LinkUnavailable:
        return _too_many() if _miss(_client_key()) else _unavailable()
    if str(link.id) in request.cookies.get(OPEN_LINK_DONE_COOKIE, "").split("."):
        return render_template("respond/already_answered.html")
    # Never throw away an answer in progress: this tab's survey, or the one this
    # browser started earlier through the same link, is continued.
    in_progress = _open_response_in_progress(link, session.get(RESPONSE_KEY))
    if in_progress is None:
        in_progress = _open_response_in_progress(link, _resume_cookie_response_id(link.id))
    if in_progress is not None:
        _start_respondent_session(in_progress.id, open_link_id=link.id)
        return redirect(url_for("respond.resume"), code=303)
    _start_respondent_session(None, open_link_id=link.id)
    return redirect(url_for("respond.consent"), code=303)


def _resume_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="open-link-resume")


def _resume_cookie_response_id(link_id: int) -> str | None:
    raw = request.cookies.get(OPEN_LINK_RESUME_COOKIE % link_id)
    if not raw or len(raw) > 200:
        return None
    try:
        value = _resume_signer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(value, list) or len(value) != 2 or value[0] != link_id:
        return None
    return value[1] if isinstance(value[1], str) else None


def _remember_open_response(page: HttpResponse, link_id: int, response_id: str) -> None:
    """The per-link resume cookie: a signed random response id, nothing about the person."""
    page.set_cookie(
        OPEN_LINK_RESUME_COOKIE % link_id,
        _resume_signer().dumps([link_id, response_id]),
        max_age=OPEN_LINK_RESUME_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def _open_response_in_progress(link: OpenLink, response_id: object) -> Response | None:
    """The unfinished open-link response ``response_id`` of ``link``, if it is one."""
    response = survey.respondent_response(db.session, response_id)
    if (
        response is None
        or not survey.is_open_link_response(response)
        or response.completed_on is not None
        or (response.study_id, response.wave_id, response.site_id)
        != (link.study_id, link.wave_id, link.site_id)
    ):
        return None
    return response


@blueprint.route("/s/assist/<int:invitation_id>", methods=["GET", "POST"])
@requires(Permission.ASSIST_RESPONDENT)
def assist(invitation_id: int) -> Page:
    """A social worker opens the survey for a beneficiary of their sites (assisted mode)."""
    form = AssistForm()
    # The same rule as the worker's list: no listed site means every site.
    site_ids = frozenset(beneficiaries.worker_site_ids(db.session, g.membership))
    try:
        invitation = survey.assistable_invitation(
            db.session, current_organisation_id(), site_ids, invitation_id
        )
    except NotFound:
        abort(404)
    page = {"form": form, "invitation": invitation, "refused": None}
    if form.validate_on_submit():
        try:
            response = survey.start_assisted(
                db.session,
                organisation_id=current_organisation_id(),
                site_ids=site_ids,
                invitation_id=invitation_id,
                mode=form.mode.data or "assisted",
                actor=g.user,
                language=_language(),
            )
        except Conflict as error:
            db.session.rollback()
            return render_template("respond/assist.html", **{**page, "refused": str(error)}), 409
        _start_respondent_session(response.id)
        db.session.commit()
        return redirect(url_for("respond.resume"), code=303)
    return render_template("respond/assist.html", **page)


# --- the survey pages ------------------------------------------------------------------


class _Survey:
    """The respondent session's response and its definition, loaded for one request."""

    def __init__(
        self,
        response: Response | survey.ResponseSnapshot,
        definition: Questionnaire,
        *,
        study_active: bool,
        version_key: tuple[int, str],
        answers: dict[str, str | None] | None = None,
    ) -> None:
        self.response = response
        self.definition = definition
        self.study_active = study_active
        self.version_key = version_key
        self._answers = answers

    @property
    def answers(self) -> dict[str, str | None]:
        """The stored answers (question key → code), read once per request."""
        if self._answers is None:
            assert isinstance(self.response, Response)  # noqa: S101 - a snapshot has its answers
            self._answers = survey.stored_answers(self.response)
        return self._answers

    def answers_changed(self) -> None:
        """Read the answers again from the response (after a save, before the commit)."""
        assert isinstance(self.response, Response)  # noqa: S101 - only pages that write save
        self._answers = survey.stored_answers(self.response)


def _load_read_only() -> _Survey | None:
    """For a page that writes nothing: plain values, and the transaction ended at once.

    On SQLite every transaction holds the write lock (``BEGIN IMMEDIATE``, see
    survey_app/extensions.py) and on PostgreSQL a pooled connection: neither
    should wait while the page renders.
    """
    found = survey.respondent_snapshot(db.session, session.get(RESPONSE_KEY))
    db.session.rollback()
    if found is None:
        return None
    return _Survey(
        found.response,
        found.definition,
        study_active=found.study_active,
        version_key=found.version_key,
        answers=found.answers,
    )


def _load() -> _Survey | None:
    found = survey.load_respondent(db.session, session.get(RESPONSE_KEY))
    if found is None:
        return None
    return _Survey(
        found.response,
        found.definition,
        study_active=found.study_active,
        version_key=found.version_key,
    )


def _no_session() -> tuple[str, int]:
    return render_template("respond/no_session.html"), 404


def _place_url(current: _Survey) -> str:
    place = survey.place_of(current.response, current.definition, current.answers)
    if place.page == "question":
        return url_for("respond.question", key=place.question_key)
    return url_for(f"respond.{place.page}")


def _guarded(form: PageForm) -> tuple[str, int]:
    guards = form.guards()
    if guards is None:
        abort(400)
    return guards


def _closed_response(current: _Survey) -> Page | None:
    """The page to show instead when answers can no longer be saved."""
    if current.response.completed_on is not None:
        return redirect(url_for("respond.done"), code=303)
    if not current.study_active:
        return _unavailable()
    return None


@blueprint.get("/s/")
@public
def resume() -> Page:
    """Where the person stands: consent, the first unanswered question, the review or done."""
    current = _load()
    if current is None:
        if session.get(OPEN_LINK_KEY) is not None:
            return redirect(url_for("respond.consent"), code=303)
        return _no_session()
    return redirect(_place_url(current), code=303)


def _consent_page(
    definition: Questionnaire, form: ConsentForm, status: int = 200, *, open_link: bool = False
) -> Page:
    language = _language()
    return (
        render_template(
            "respond/consent.html",
            form=form,
            open_link=open_link,
            title=_text(definition.title, language),
            intro=_text(definition.intro, language),
            consent_text=_text(definition.consent, language),
        ),
        status,
    )


def _open_link_consent() -> Page:
    """Consent page of an open link: the response is created only when the person starts."""
    link_id = session.get(OPEN_LINK_KEY)
    link = db.session.get(OpenLink, link_id) if isinstance(link_id, int) else None
    wave = db.session.get(Wave, link.wave_id) if link is not None else None
    version = db.session.get(QuestionnaireVersion, wave.questionnaire_version_id) if wave else None
    if link is None or version is None:
        return _no_session()
    definition = survey.definition_for(version)
    form = ConsentForm()
    if form.is_submitted():
        key, _revision = _guarded(form)
        try:
            response = survey.start_open_response(
                db.session, link.id, language=_language(), submission_key=key
            )
        except survey.LinkUnavailable:
            db.session.rollback()
            return _unavailable()
        _start_respondent_session(response.id, open_link_id=link.id)
        db.session.commit()
        first = survey.first_unanswered(definition, survey.stored_answers(response))
        target = url_for("respond.question", key=first) if first else url_for("respond.review")
        page = redirect(target, code=303)
        _remember_open_response(page, link.id, response.id)
        return page
    form.arm(0)
    return _consent_page(definition, form, open_link=True)


@blueprint.route("/s/start", methods=["GET", "POST"])
@public
def consent() -> Page:
    """Plain-language consent and privacy screen, shown before the first question."""
    current = _load()
    if current is None:
        if session.get(OPEN_LINK_KEY) is not None:
            return _open_link_consent()
        return _no_session()
    closed = _closed_response(current)
    if closed is not None:
        return closed
    form = ConsentForm()
    if form.is_submitted():
        key, revision = _guarded(form)
        try:
            survey.give_consent(db.session, current.response, submission_key=key, revision=revision)
        except survey.StalePage:
            db.session.rollback()
        db.session.commit()
        return redirect(_place_url(current), code=303)
    form.arm(current.response.revision)
    return _consent_page(
        current.definition, form, open_link=survey.is_open_link_response(current.response)
    )


def _text(texts: Any, language: str) -> str:
    return texts.get(language) or next(iter(texts.values()), "")


def _question_context(
    current: _Survey, question: Question, language: str, *, change: bool
) -> dict[str, Any]:
    """What the question template shows besides the form."""
    answers = current.answers
    number, total = survey.position(current.definition, answers, question.key)
    if change:
        back_url = url_for("respond.review")
    else:
        previous = survey.previous_key(current.definition, answers, question.key)
        back_url = (
            url_for("respond.question", key=previous) if previous else url_for("respond.consent")
        )
    section = current.definition.section_of(question.key)
    return {
        "label": _text(question.label, language),
        "hint": _text(question.help, language) if question.help else "",
        "section_title": _text(section.title, language) if section.title else "",
        "number": number,
        "total": total,
        "back_url": back_url,
        "change": change,
        "stale": False,
        "mode": current.response.mode,
    }


def _question_page(
    current: _Survey,
    question: Question,
    form: QuestionForm,
    *,
    change: bool,
    status: int = 200,
    stale: bool = False,
) -> Page:
    context = _question_context(current, question, _language(), change=change)
    context["stale"] = stale
    return (
        render_template("respond/question.html", form=form, question=question, **context),
        status,
    )


#: Rendered question pages by everything they depend on, with placeholders for
#: the per-request values. A published version never changes, so the same
#: person-free page is rendered once per process instead of on every GET.
_pages: dict[tuple[Any, ...], str] = {}
_MAX_PAGES = 2048
#: Placeholders no definition can contain (random per process).
_CSRF_MARK = f"\x1f{secrets.token_hex(8)}\x1f"
_KEY_MARK = f"\x1f{secrets.token_hex(8)}\x1f"
_REVISION_MARK = f"\x1f{secrets.token_hex(8)}\x1f"


def _question_get(current: _Survey, question: Question, *, change: bool) -> Page:
    """A question page as first shown (GET): from the page cache when it can be.

    The page depends on the version, question, language, mode, the stored
    choice (closed questions only: typed answers, which may be personal,
    never enter the cache), its place among the shown questions and the
    address; per request only the CSRF token, the idempotency key and the
    revision change, and they are filled in afresh each time. Pages that
    show a staff sign-in or a flashed message are rendered as usual.
    """
    stored = current.answers.get(question.key)
    cacheable = (
        (stored is None or question.is_closed)
        and g.get("user") is None
        and g.get("pending_user") is None
        and "_flashes" not in session
    )
    if not cacheable:
        form = question_form(question, _language(), cache_key=current.version_key)
        form.fill(stored)
        form.arm(current.response.revision)
        return _question_page(current, question, form, change=change)
    language = _language()
    context = _question_context(current, question, language, change=change)
    page_key = (
        current.version_key,
        question.key,
        language,
        change,
        current.response.mode,
        stored,
        context["number"],
        context["total"],
        context["back_url"],
        request.full_path,
    )
    html = _pages.get(page_key)
    if html is None:
        form = question_form(question, language, cache_key=current.version_key)
        form.fill(stored)
        form.submission_key.data = _KEY_MARK
        form.revision.data = _REVISION_MARK
        html = render_template(
            "respond/question.html",
            form=form,
            question=question,
            csrf_token=lambda: _CSRF_MARK,
            **context,
        )
        if len(_pages) >= _MAX_PAGES:
            _pages.clear()
        _pages[page_key] = html
    return (
        html.replace(_CSRF_MARK, generate_csrf())
        .replace(_KEY_MARK, new_submission_key())
        .replace(_REVISION_MARK, str(current.response.revision))
    )


def _question_survey(key: str, *, read_only: bool = False) -> _Survey | Page:
    """The session's survey when question ``key`` can be answered now, else the page to show."""
    current = _load_read_only() if read_only else _load()
    if current is None:
        return _no_session()
    closed = _closed_response(current)
    if closed is not None:
        return closed
    if not current.response.consented:
        return redirect(url_for("respond.consent"), code=303)
    if len(key) > 64 or not survey.is_visible(current.definition, current.answers, key):
        return redirect(_place_url(current), code=303)
    return current


@blueprint.route("/s/q/<key>", methods=["GET", "POST"])
@public
def question(key: str) -> Page:
    """One question per page; Continue saves the answer and moves to the next shown question."""
    current = _question_survey(key, read_only=request.method in ("GET", "HEAD"))
    if not isinstance(current, _Survey):
        return current
    question_ = current.definition.question(key)
    answers = current.answers
    change = request.values.get("change") == "1"
    if request.method in ("GET", "HEAD"):
        return _question_get(current, question_, change=change)
    form = question_form(question_, _language(), cache_key=current.version_key)
    if not form.is_submitted():
        form.fill(answers.get(key))
        form.arm(current.response.revision)
        return _question_page(current, question_, form, change=change)
    submission_key, revision = _guarded(form)
    refused = _save_page(
        current, question_, form, key, submission_key, revision, _language(), change
    )
    if refused is not None:
        return refused
    answers = current.answers
    if change:
        following = survey.first_unanswered(current.definition, answers)
        if following == key:  # a note introducing the next unanswered question
            following = survey.next_key(current.definition, answers, key)
        target = (
            url_for("respond.question", key=following, change="1")
            if following
            else url_for("respond.review")
        )
    else:
        following = survey.next_key(current.definition, answers, key)
        target = (
            url_for("respond.question", key=following) if following else url_for("respond.review")
        )
    return redirect(target, code=303)


def _is_blank(form: QuestionForm) -> bool:
    """Nothing chosen or typed on the page (a language switch then saves nothing)."""
    if form.pna is not None and form.pna.data:
        return False
    data = form.answer.data
    if isinstance(data, list):
        return not data
    return not (data or "").strip()


@blueprint.post("/s/q/<key>/language")
@public
def question_language(key: str) -> Page:
    """The language button of a question page: switch language without losing the page's answer.

    The button belongs to the answer form (after Continue, so Enter still
    means Continue) and posts what is on the page here. A valid answer is
    saved exactly as Continue would save it (same idempotency key and
    revision), then the same page is shown again in the other language. A
    blank page saves nothing and shows no error. An answer that cannot be
    saved (a word in a number field, a stale page) is not stored: the page is
    shown again at once in the new language with what the person typed and
    the usual message, as Continue does; nothing is kept in the session.
    """
    current = _question_survey(key)
    if not isinstance(current, _Survey):
        return current
    question_ = current.definition.question(key)
    language = request.form.get("lang")
    if language in ("fr", "en"):
        session["lang"] = language
        refresh_locale()  # this reply is already in the new language
    language = _language()
    change = request.values.get("change") == "1"
    form = question_form(question_, language, cache_key=current.version_key)
    submission_key, revision = _guarded(form)
    same_page = url_for("respond.question", key=key, change="1" if change else None)
    if _is_blank(form):
        form.validate()
        if set(form.errors) - {"answer"}:  # tampered hidden fields
            abort(400)
        if key in current.answers:  # an answer cleared on the page: keep the page as it is
            form.answer.errors = []
            return _question_page(current, question_, form, change=change)
        return redirect(same_page, code=303)
    refused = _save_page(current, question_, form, key, submission_key, revision, language, change)
    if refused is not None:
        return refused
    return redirect(same_page, code=303)


def _save_page(
    current: _Survey,
    question_: Question,
    form: QuestionForm,
    key: str,
    submission_key: str,
    revision: int,
    language: str,
    change: bool,
) -> Page | None:
    """Validate and save one page's answer and commit; or the page to show instead.

    Shared by Continue and the language button, so both record an answer
    through the same idempotency key and revision guard.
    """
    if not form.validate():
        if set(form.errors) - {"answer"}:  # tampered hidden fields: nothing to show the person
            abort(400)
        return _question_page(current, question_, form, change=change, status=400)
    try:
        survey.save_answer(
            db.session,
            current.response,
            current.definition,
            key,
            form.stored_value(),
            submission_key=submission_key,
            revision=revision,
            language=language,
        )
    except survey.StalePage:
        db.session.rollback()
        form.arm(current.response.revision)
        return _question_page(current, question_, form, change=change, status=409, stale=True)
    except DomainError:
        db.session.rollback()
        abort(400)
    current.answers_changed()  # the next page is chosen from these, without reading them back
    db.session.commit()
    return None


def _display_answer(question: Question, value: str | None, language: str) -> str | None:
    """The answer as the person chose it, in the current language (None: not answered)."""
    if value is None:
        return None
    if value == PNA_CODE:
        return next(c.label for c in question.choices_for_display(language) if c.code == PNA_CODE)
    if question.is_closed:
        labels = {c.code: c.label for c in question.choices_for_display(language)}
        return ", ".join(labels.get(code, code) for code in value.split())
    return value


@blueprint.route("/s/review", methods=["GET", "POST"])
@public
def review() -> Page:
    """All answers with a "Change" link each, then the final submit."""
    current = _load()
    if current is None:
        return _no_session()
    closed = _closed_response(current)
    if closed is not None:
        return closed
    place = survey.place_of(current.response, current.definition)
    if place.page != "review":
        return redirect(_place_url(current), code=303)
    form = ReviewForm()
    if form.is_submitted():
        key, revision = _guarded(form)
        try:
            survey.submit(
                db.session,
                current.response,
                current.definition,
                submission_key=key,
                revision=revision,
                language=_language(),
            )
        except survey.IncompleteResponse as error:
            db.session.rollback()
            return redirect(url_for("respond.question", key=error.question_key), code=303)
        except survey.StalePage:
            db.session.rollback()
            return redirect(url_for("respond.review"), code=303)
        db.session.commit()
        return redirect(url_for("respond.done"), code=303)
    language = _language()
    answers = current.answers
    rows = [
        {
            "key": q.key,
            "label": _text(q.label, language),
            "answer": _display_answer(q, answers.get(q.key), language),
        }
        for q in survey.visible_questions(current.definition, answers)
        if q.stores_answer
    ]
    form.arm(current.response.revision)
    return render_template("respond/review.html", form=form, rows=rows)


@blueprint.get("/s/done")
@public
def done() -> Page:
    """Thank you. An open-link response leaves a cookie so the phone is not counted twice."""
    current = _load()
    if current is None or current.response.completed_on is None:
        if current is None:
            return _no_session()
        return redirect(_place_url(current), code=303)
    page = current_app.make_response(
        render_template("respond/done.html", assisted=current.response.mode != "self")
    )
    link_id = session.get(OPEN_LINK_KEY)
    if survey.is_open_link_response(current.response) and isinstance(link_id, int):
        seen = [v for v in request.cookies.get(OPEN_LINK_DONE_COOKIE, "").split(".") if v]
        seen = [*seen[-20:], str(link_id)]
        page.set_cookie(
            OPEN_LINK_DONE_COOKIE,
            ".".join(dict.fromkeys(seen)),
            max_age=OPEN_LINK_DONE_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
        page.delete_cookie(OPEN_LINK_RESUME_COOKIE % link_id, httponly=True, samesite="Lax")
    _end_respondent_session()
    return page


def _end_respondent_session() -> None:
    """Forget the finished survey: nothing of it stays reachable from this browser.

    A staff member's sign-in (assisted mode) is kept; otherwise the whole
    session goes, and with it the cookie.
    """
    session.pop(RESPONSE_KEY, None)
    session.pop(OPEN_LINK_KEY, None)
    if SESSION_KEY not in session:
        session.clear()


@blueprint.get("/privacy")
@blueprint.get("/privacy/<org_slug>")
@public
def privacy_notice(org_slug: str | None = None) -> str | tuple[str, int]:
    """The privacy notice, naming the organisation's data controller and contact.

    The organisation is the one in the address, else the one of the survey
    being answered, else the only organisation of a single-tenant installation.
    """
    from sqlalchemy import select

    from survey_app.models import Organisation

    organisation = None
    if org_slug is not None:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.slug == org_slug[:63])
        )
        if organisation is None:
            return render_template("respond/privacy.html", organisation=None), 404
    else:
        response = survey.respondent_response(db.session, session.get(RESPONSE_KEY))
        if response is not None:
            organisation = db.session.get(Organisation, response.organisation_id)
        else:
            only = db.session.scalars(select(Organisation).limit(2)).all()
            organisation = only[0] if len(only) == 1 else None
    return render_template("respond/privacy.html", organisation=organisation)
