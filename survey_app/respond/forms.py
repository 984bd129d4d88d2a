"""Forms of the respondent survey, built from a questionnaire :class:`Question`.

:func:`question_form` makes one WTForms form class per question type (as
indico builds survey fields from its definitions): radios for scales and
single choices, checkboxes for multiple choices, a text input for whole
numbers and free text, with "I prefer not to answer" as the last radio or
as a separate checkbox when the question offers it. The form parses and
validates; :meth:`QuestionForm.stored_value` gives the code to store
(docs/CONTRACTS.md, "Answer coding"). Error messages are plain and say what
to do, in the GOV.UK way ("Enter a whole number, like 2").

Every page form carries two hidden values that the survey service checks:
a one-time ``submission_key`` (double taps and retries are recorded once)
and the response ``revision`` the page was rendered with (a stale page cannot
overwrite newer answers).
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from threading import Lock
from typing import Any

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, ValidationError

from questionnaires import PNA_CODE, DisplayChoice, Question
from survey_app.security.forms import SecureForm as FlaskForm

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
INTEGER_PATTERN = re.compile(r"^[+-]?\d{1,9}$")
TEXT_LIMITS = {"text_short": 200, "text_long": 2000}
#: Types answered by choosing among radios (one answer).
RADIO_TYPES = frozenset({"agreement", "rating", "yes_no", "single_choice"})
#: Types answered by typing; "prefer not to answer" is then a checkbox.
TYPED_TYPES = frozenset({"integer", "decimal", "date", "text_short", "text_long"})
#: A decimal as typed: "," or "." before the decimals (French and English habits).
DECIMAL_PATTERN = re.compile(r"^[+-]?\d{1,12}(?:[.,]\d{1,6})?$")
#: A date as typed: 2026-03-31 (a date picker) or 31/03/2026.
DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$"),
)


def typed_date(text: str) -> str | None:
    """The ISO date (stored code) of a typed date, None when it is not a real date."""
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                return None
    return None


def new_submission_key() -> str:
    return secrets.token_hex(16)


#: WTForms' own messages by language, read once per process. Flask-WTF reads
#: the catalogue from disk again on every request that needs one.
_wtforms_catalogues: dict[str, support.Translations] = {}


class _CachedTranslations:
    """Flask-WTF's translations of WTForms' messages, without reloading them per request."""

    @staticmethod
    def _catalogue() -> support.Translations:
        language = str(get_locale() or "fr")
        found = _wtforms_catalogues.get(language)
        if found is None:
            found = support.Translations.load(messages_path(), [language], domain="wtforms")
            _wtforms_catalogues[language] = found
        return found

    def gettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


_CACHED_TRANSLATIONS = _CachedTranslations()


class PageForm(FlaskForm):
    """Hidden guards shared by every survey page that writes."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _CACHED_TRANSLATIONS

    # Labelled so that WTForms does not look up a translated default label per request.
    submission_key = HiddenField("submission_key")
    revision = HiddenField("revision")

    def guards(self) -> tuple[str, int] | None:
        """(idempotency key, revision) when both are well formed, else None (a bad request)."""
        key = self.submission_key.data or ""
        revision = self.revision.data or ""
        if not KEY_PATTERN.match(key) or not revision.isdigit() or len(revision) > 9:
            return None
        return key, int(revision)

    def arm(self, revision: int) -> None:
        """Give the page a fresh idempotency key and the current revision."""
        self.submission_key.data = new_submission_key()
        self.revision.data = str(revision)


class ConsentForm(PageForm):
    pass


class ReviewForm(PageForm):
    pass


class AssistForm(FlaskForm):
    """The worker chooses how the beneficiary answers before handing over."""

    mode = RadioField(
        _l("How will the person answer?"),
        choices=[
            SelectChoice("assisted", _l("I help the person, who reads and answers")),
            SelectChoice("read_aloud", _l("I read the questions aloud and enter the answers")),
        ],
        default="assisted",
    )


class QuestionForm(PageForm):
    """Base of the per-question forms; ``question`` and ``language`` are set by the factory."""

    question: Question
    language: str
    answer: Field
    pna: BooleanField | None = None
    _display_choices: list[DisplayChoice] | None = None

    @property
    def display_choices(self) -> list[DisplayChoice]:
        if self._display_choices is None:
            return self.question.choices_for_display(self.language)
        return self._display_choices

    def stored_value(self) -> str | None:
        """The code to store for valid input; None when left blank."""
        question = self.question
        if question.type == "note":
            return None
        if self.pna is not None and self.pna.data:
            return PNA_CODE
        data = self.answer.data
        if question.type == "multiple_choice":
            chosen = set(data or ())
            ordered = [c.code for c in self.display_choices if c.code in chosen]
            return " ".join(ordered) or None
        if question.type == "integer":
            text = (data or "").strip()
            return str(int(text)) if text else None
        if question.type == "decimal":
            text = (data or "").strip().replace(",", ".")
            return text or None
        if question.type == "date":
            text = (data or "").strip()
            return typed_date(text) if text else None
        if question.type in TEXT_LIMITS:
            text = (data or "").strip()
            return text or None
        return data or None

    def fill(self, stored: str | None) -> None:
        """Show a stored answer (GET of a page answered before)."""
        if stored is None or self.question.type == "note":
            return
        if self.pna is not None and stored == PNA_CODE:
            self.pna.data = True
        elif self.question.type == "multiple_choice":
            self.answer.data = stored.split()
        else:
            self.answer.data = stored

    def validate_answer(self, field: Field) -> None:
        question = self.question
        if question.type == "note":
            return
        if question.type in RADIO_TYPES:
            _check_radio(question, field.data, self.display_choices)
        elif question.type == "multiple_choice":
            _check_multiple(question, field.data or [], self.display_choices)
        else:
            _check_typed(question, (field.data or "").strip(), bool(self.pna and self.pna.data))


def _check_radio(question: Question, data: Any, choices: list[DisplayChoice]) -> None:
    if not data:
        if question.required:
            raise ValidationError(_l("Select an answer"))
        return
    if data not in {c.code for c in choices}:
        raise ValidationError(_l("Select one of the answers shown"))


def _check_multiple(question: Question, data: list[str], choices: list[DisplayChoice]) -> None:
    if not data:
        if question.required:
            raise ValidationError(_l("Select at least one answer"))
        return
    if not set(data) <= {c.code for c in choices}:
        raise ValidationError(_l("Select answers among the ones shown"))
    if PNA_CODE in data and len(set(data)) > 1:
        raise ValidationError(_l("Select your answers, or “I prefer not to answer”, but not both"))


def _check_typed(question: Question, text: str, prefers_not: bool) -> None:
    if prefers_not:
        if text:
            raise ValidationError(
                _l("Write your answer, or tick “I prefer not to answer”, but not both")
            )
        return
    if not text:
        if question.required:
            if question.type in ("integer", "decimal"):
                raise ValidationError(_l("Enter a number"))
            if question.type == "date":
                raise ValidationError(_l("Enter a date"))
            raise ValidationError(_l("Write your answer"))
        return
    if question.type == "decimal":
        if not DECIMAL_PATTERN.match(text):
            raise ValidationError(_l("Enter a number, like 2 or 1.5"))
        return
    if question.type == "date":
        if typed_date(text) is None:
            raise ValidationError(_l("Enter a real date, like 31/03/2026"))
        return
    if question.type == "integer":
        if not INTEGER_PATTERN.match(text):
            raise ValidationError(_l("Enter a whole number, like 2"))
        number = int(text)
        low, high = question.min, question.max
        if low is not None and high is not None and not low <= number <= high:
            raise ValidationError(
                _l("Enter a number between %(low)s and %(high)s", low=low, high=high)
            )
        if low is not None and number < low:
            raise ValidationError(_l("Enter a number of %(low)s or more", low=low))
        if high is not None and number > high:
            raise ValidationError(_l("Enter a number of %(high)s or less", high=high))
        return
    limit = TEXT_LIMITS[question.type]
    if len(text) > limit:
        raise ValidationError(
            _l("Your answer is too long: write %(limit)s characters or fewer", limit=limit)
        )


#: Form classes by (definition key, question key, language): a published
#: version never changes, so each page's class is built once per process.
_form_classes: dict[tuple[object, str, str], type[QuestionForm]] = {}
_form_classes_lock = Lock()
_MAX_FORM_CLASSES = 4096


def _question_form_class(question: Question, language: str) -> type[QuestionForm]:
    label = question.label.get(language) or next(iter(question.label.values()), question.key)
    fields: dict[str, Any] = {"question": question, "language": language}
    shown = question.choices_for_display(language)
    choices = [SelectChoice(c.code, c.label) for c in shown]
    fields["_display_choices"] = shown
    if question.type in RADIO_TYPES:
        fields["answer"] = RadioField(label, choices=choices, validate_choice=False)
    elif question.type == "multiple_choice":
        fields["answer"] = SelectMultipleField(label, choices=choices, validate_choice=False)
    elif question.type == "text_long":
        fields["answer"] = TextAreaField(label)
    elif question.type in TYPED_TYPES:
        fields["answer"] = StringField(label)
    else:  # note: nothing to answer
        fields["answer"] = HiddenField("answer")
    if question.type in TYPED_TYPES and question.prefer_not_to_answer:
        fields["pna"] = BooleanField(_l("I prefer not to answer"))
    return type(f"QuestionForm_{question.type}", (QuestionForm,), fields)


def question_form(
    question: Question, language: str, *, cache_key: object = None, **kwargs: Any
) -> QuestionForm:
    """A form instance for ``question`` shown in ``language`` (``kwargs`` go to FlaskForm).

    ``cache_key`` names the definition the question comes from (the version's
    id and fingerprint): its form class is then built once and reused.
    """
    if cache_key is None:
        form_class = _question_form_class(question, language)
    else:
        class_key = (cache_key, question.key, language)
        form_class = _form_classes.get(class_key)  # type: ignore[assignment]
        if form_class is None:
            form_class = _question_form_class(question, language)
            with _form_classes_lock:
                if len(_form_classes) >= _MAX_FORM_CLASSES:
                    _form_classes.clear()
                form_class = _form_classes.setdefault(class_key, form_class)
    form = form_class(**kwargs)
    assert isinstance(form, QuestionForm)  # noqa: S101 - built just above
    return form


class CodeForm(FlaskForm):
    """The short code printed on an invitation card."""

    code = StringField(
        _l("Code on your card"),
        validators=[
            InputRequired(message=_l("Type the code printed on your card.")),
            Length(max=40),
        ],
    )
