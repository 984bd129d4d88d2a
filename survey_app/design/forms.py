"""Forms of the questionnaire designer.

The forms check what a form can check alone (lengths, key syntax, numbers);
everything that needs the whole questionnaire (unique keys, conditions,
translations, indicators) is left to :func:`questionnaires.load_definition`,
whose issues the views show in the error summary.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

import questionnaires
from survey_app.security.forms import SecureForm as FlaskForm
from survey_app.security.forms import SecureSubform

QUESTIONNAIRE_KEY = r"^[a-z][a-z0-9_-]{0,63}$"
ITEM_KEY = r"^[a-z][a-z0-9_]{0,63}$"
#: Question keys as XLSForm names them (``P_Sex``, ``my-group``): what an import keeps.
QUESTION_KEY = questionnaires.loader.KEY_RE.pattern
TEXT_MAX = 5000
MAX_CHOICE_ROWS = 200
MAX_CLAUSE_ROWS = 20

TYPE_LABELS = {
    "agreement": _l("Agreement scale (5 points, with pictograms)"),
    "rating": _l("Rating from 0 to 10"),
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "yes_no": _l("Yes / no"),
    "integer": _l("Whole number"),
    "decimal": _l("Decimal number"),
    "date": _l("Date"),
    "text_short": _l("Short text"),
    "text_long": _l("Long text"),
    "note": _l("Note (text only, no answer)"),
}
INDICATOR_LABELS = {
    "listening": _l("Listening"),
    "confidence": _l("Confidence"),
    "autonomy": _l("Autonomy"),
    "satisfaction": _l("Satisfaction"),
    "recommendation": _l("Recommendation (0–10 rating, NPS)"),
}
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English")}
NEW_SECTION = "__new__"
CUSTOM_INDICATOR = "__custom__"


def options(pairs: Any) -> list[SelectChoice]:
    """Select options from (value, label) pairs (wtforms 3.3 deprecates tuples)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def split_codes(text: str | None) -> list[str]:
    """Codes typed separated by spaces or commas."""
    return [c for c in re.split(r"[\s,;]+", text or "") if c]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _key_validators(pattern: str) -> list[Any]:
    return [
        DataRequired(message=_l("Enter a key.")),
        Regexp(
            pattern,
            message=_l(
                "A key starts with a lowercase letter and uses only lowercase letters, "
                "digits and '_' (at most 64 characters)."
            ),
        ),
    ]


class TextPairForm(SecureSubform):
    """One text in each language, side by side."""

    fr = TextAreaField(_l("French"), validators=[Optional(), Length(max=TEXT_MAX)])
    en = TextAreaField(_l("English"), validators=[Optional(), Length(max=TEXT_MAX)])

    def as_text(self, languages: list[str]) -> dict[str, str]:
        return {lang: (self[lang].data or "").strip() for lang in languages}


class NewQuestionnaireForm(FlaskForm):
    key = StringField(
        _l("Key"),
        description=_l(
            "Stable identifier, e.g. followup-2027. It cannot change later. "
            "Leave it empty to get one made from the title."
        ),
        validators=[
            Optional(),
            Regexp(
                QUESTIONNAIRE_KEY,
                message=_l(
                    "A key starts with a lowercase letter and uses only lowercase letters, "
                    "digits, '_' and '-' (at most 64 characters)."
                ),
            ),
        ],
    )
    languages = MultiCheckboxField(
        _l("Languages"),
        choices=options([("fr", _l("French")), ("en", _l("English"))]),
        default=["fr", "en"],
    )
    title = FormField(TextPairForm, label=_l("Title"))
    intro = FormField(TextPairForm, label=_l("Introduction shown before the questions"))
    consent = FormField(TextPairForm, label=_l("Consent and privacy text"))
    first_question = FormField(
        TextPairForm, label=_l("First question (short text; you can change it)")
    )
    submit = SubmitField(_l("Create the draft"))

    def validate_languages(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))


class SettingsForm(FlaskForm):
    version_label = StringField(
        _l("Version label (optional, e.g. 2027.1)"), validators=[Optional(), Length(max=64)]
    )
    title = FormField(TextPairForm, label=_l("Title"))
    intro = FormField(TextPairForm, label=_l("Introduction shown before the questions"))
    consent = FormField(TextPairForm, label=_l("Consent and privacy text"))
    submit = SubmitField(_l("Save"))


class ChoiceRowForm(SecureSubform):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=64)])
    fr = StringField(_l("French"), validators=[Optional(), Length(max=TEXT_MAX)])
    en = StringField(_l("English"), validators=[Optional(), Length(max=TEXT_MAX)])
    score = FloatField(_l("Score"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not any(
            (self[name].raw_data or [""])[0].strip() for name in ("code", "fr", "en", "score")
        )


class CodesField(StringField):
    """Codes typed separated by spaces, or ticked as several checkboxes of one name."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = " ".join(value.strip() for value in valuelist if value.strip())


class ClauseRowForm(SecureSubform):
    question = SelectField(_l("Question"), choices=[], validate_choice=False)
    operator = SelectField(
        _l("Operator"),
        choices=options([("in", _l("is one of")), ("not_in", _l("is none of"))]),
        default="in",
    )
    codes = CodesField(_l("Answers"), validators=[Optional(), Length(max=2000)])


def key_from_text(text: str, taken: set[str], *, prefix: str = "q") -> str:
    """A key made from a label ("Par le bus" → ``par_le_bus``), unique among ``taken``."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    base = "_".join(words)[:40].strip("_") or prefix
    if not base[0].isalpha():
        base = f"{prefix}_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


class QuestionForm(FlaskForm):
    """Everything about one question; choices and clauses are repeating rows.

    ``action`` buttons (add a row, move or remove a choice) re-render the form
    with the change and save nothing, so the page works without JavaScript.
    """

    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(message=_l("Enter a key.")),
            Regexp(
                QUESTION_KEY,
                message=_l(
                    "A key starts with a letter and uses only letters, digits, '_', '-' "
                    "or '.' (at most 64 characters)."
                ),
            ),
        ],
        description=_l("Leave empty to get one made from the question."),
    )
    type = SelectField(_l("Type"), choices=options(TYPE_LABELS.items()))
    section = SelectField(_l("Section"), choices=[], validate_choice=False)
    new_section_key = StringField(
        _l("Key of the new section"), validators=[Optional(), Length(max=64)]
    )
    label = FormField(TextPairForm, label=_l("Question"))
    help = FormField(TextPairForm, label=_l("Help text (optional)"))
    required = BooleanField(_l("An answer is required"))
    prefer_not_to_answer = BooleanField(_l("Offer “I prefer not to answer”"))
    min = IntegerField(_l("Smallest accepted number"), validators=[Optional()])
    max = IntegerField(_l("Largest accepted number"), validators=[Optional()])
    choices = FieldList(FormField(ChoiceRowForm), min_entries=0, max_entries=MAX_CHOICE_ROWS)
    combine = RadioField(
        _l("Show this question when"),
        choices=options(
            [("all", _l("all the conditions hold")), ("any", _l("at least one condition holds"))]
        ),
        default="all",
    )
    clauses = FieldList(FormField(ClauseRowForm), min_entries=0, max_entries=MAX_CLAUSE_ROWS)
    indicator = SelectField(
        _l("Indicator"),
        choices=options(
            [
                ("", _l("None")),
                *INDICATOR_LABELS.items(),
                (CUSTOM_INDICATOR, _l("Another indicator (name it below)")),
            ]
        ),
        default="",
    )
    custom_indicator = StringField(
        _l("Name of the other indicator"),
        validators=[
            Optional(),
            Regexp(
                ITEM_KEY,
                message=_l(
                    "An indicator name starts with a lowercase letter and uses only lowercase "
                    "letters, digits and '_'."
                ),
            ),
        ],
    )
    polarity = RadioField(
        _l("Polarity"),
        choices=options(
            [
                ("positive", _l("Positive: agreeing is favourable")),
                ("negative", _l("Negative: disagreeing is favourable")),
            ]
        ),
        default="positive",
    )
    positive = StringField(
        _l("Favourable codes"),
        description=_l("Codes separated by spaces. Leave empty for the default of the scale."),
        validators=[Optional(), Length(max=2000)],
    )
    # Filled by the row buttons (add a row, move or remove a choice). Not a
    # HiddenField: hidden_tag() would render it, and its empty value would
    # come first in the request and hide the button's.
    action = StringField(validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save the question"))

    def fill_missing_keys(self, taken: set[str], languages: list[str]) -> None:
        """Keys nobody typed: the question's from its label, each choice's from its label."""
        if not (self.key.data or "").strip():
            label = next(
                (self.label.form[lang].data for lang in languages if self.label.form[lang].data), ""
            )
            if label:
                self.key.data = key_from_text(label, taken)
        codes = {(row.form.code.data or "").strip() for row in self.choices}
        for row in self.choices:
            if (row.form.code.data or "").strip():
                continue
            label = next((row.form[lang].data for lang in languages if row.form[lang].data), "")
            if label:
                row.form.code.data = key_from_text(label, codes, prefix="c")
                codes.add(row.form.code.data)

    def validate_new_section_key(self, field: StringField) -> None:
        if self.section.data == NEW_SECTION and not re.match(ITEM_KEY, field.data or ""):
            raise ValidationError(
                _l(
                    "Give the new section a key: a lowercase letter, then lowercase letters, "
                    "digits or '_'."
                )
            )

    def validate_indicator(self, field: SelectField) -> None:
        if field.data == CUSTOM_INDICATOR and not (self.custom_indicator.data or "").strip():
            raise ValidationError(_l("Name the other indicator."))

    # -- conversion to and from the definition format

    def chosen_indicator(self) -> str | None:
        if self.indicator.data == CUSTOM_INDICATOR:
            return (self.custom_indicator.data or "").strip() or None
        return self.indicator.data or None

    def to_question(self, languages: list[str]) -> dict[str, Any]:
        qtype = self.type.data
        question: dict[str, Any] = {
            "key": (self.key.data or "").strip(),
            "type": qtype,
            "label": self.label.form.as_text(languages),
        }
        help_text = self.help.form.as_text(languages)
        if any(help_text.values()):
            question["help"] = help_text
        question["required"] = bool(self.required.data) and qtype != "note"
        question["prefer_not_to_answer"] = bool(self.prefer_not_to_answer.data) and qtype != "note"
        if qtype in ("single_choice", "multiple_choice"):
            choices = []
            for row in self.choices:
                if row.form.is_blank():
                    continue
                choice: dict[str, Any] = {
                    "code": (row.form.code.data or "").strip(),
                    "label": {lang: (row.form[lang].data or "").strip() for lang in languages},
                }
                if row.form.score.data is not None and qtype == "single_choice":
                    choice["score"] = row.form.score.data
                choices.append(choice)
            question["choices"] = choices
        if qtype == "integer":
            if self.min.data is not None:
                question["min"] = self.min.data
            if self.max.data is not None:
                question["max"] = self.max.data
        clauses = []
        for row in self.clauses:
            target = row.form.question.data
            if not target:
                continue
            clauses.append(
                {"question": target, row.form.operator.data: split_codes(row.form.codes.data)}
            )
        if len(clauses) == 1:
            question["show_if"] = clauses[0]
        elif clauses:
            question["show_if"] = {self.combine.data or "all": clauses}
        indicator = self.chosen_indicator()
        if indicator is not None and qtype in ("agreement", "rating", "single_choice", "yes_no"):
            question["indicator"] = indicator
            question["polarity"] = self.polarity.data or "positive"
            positive = split_codes(self.positive.data)
            if positive:
                question["positive"] = positive
        return question

    @staticmethod
    def data_from_question(question: dict[str, Any], section_key: str) -> dict[str, Any]:
        """Form data (for ``QuestionForm(data=...)``) of a stored question."""
        indicator = question.get("indicator")
        standard = indicator in INDICATOR_LABELS
        condition = question.get("show_if") or {}
        raw_clauses = (
            condition.get("all") or condition.get("any") or ([condition] if condition else [])
        )
        clauses = []
        for clause in raw_clauses:
            operator = "not_in" if "not_in" in clause else "in"
            clauses.append(
                {
                    "question": clause.get("question", ""),
                    "operator": operator,
                    "codes": " ".join(clause.get(operator, [])),
                }
            )
        choices = [
            {
                "code": c["code"],
                "fr": c["label"].get("fr", ""),
                "en": c["label"].get("en", ""),
                "score": c.get("score"),
            }
            for c in question.get("choices", []) or []
        ]
        return {
            "key": question["key"],
            "type": question["type"],
            "section": section_key,
            "label": dict(question.get("label", {})),
            "help": dict(question.get("help", {})),
            "required": question.get("required", False),
            "prefer_not_to_answer": question.get("prefer_not_to_answer", False),
            "min": question.get("min"),
            "max": question.get("max"),
            "choices": choices,
            "combine": "any" if "any" in condition else "all",
            "clauses": clauses,
            "indicator": (indicator if standard else CUSTOM_INDICATOR) if indicator else "",
            "custom_indicator": "" if standard or not indicator else indicator,
            "polarity": question.get("polarity", "positive"),
            "positive": " ".join(question.get("positive", []) or []),
        }


class SectionForm(FlaskForm):
    key = StringField(_l("Section key"), validators=_key_validators(ITEM_KEY))
    title = FormField(TextPairForm, label=_l("Section title (optional)"))
    submit = SubmitField(_l("Save the section"))


class ConfirmForm(FlaskForm):
    """A POST button with CSRF protection (publish, archive, delete, move…)."""

    submit = SubmitField(_l("Confirm"))


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])

    def validate_direction(self, field: HiddenField) -> None:
        if field.data not in ("up", "down"):
            raise ValidationError(_l("Unknown direction."))


class DuplicateForm(FlaskForm):
    new_key = StringField(
        _l("Key of the copy"),
        validators=[
            DataRequired(message=_l("Enter a key.")),
            Regexp(
                QUESTIONNAIRE_KEY,
                message=_l(
                    "A key starts with a lowercase letter and uses only lowercase letters, "
                    "digits, '_' and '-' (at most 64 characters)."
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Duplicate"))


class BuiltinForm(FlaskForm):
    builtin = SelectField(_l("Standard questionnaire"), choices=[])
    submit = SubmitField(_l("Add to my organisation"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.builtin.choices = options((k, k) for k in questionnaires.builtin_keys())


class ImportForm(FlaskForm):
    file = FileField(
        _l("XLSForm workbook (.xlsx, .xls) or definition (.json, .yaml)"),
        validators=[FileRequired(message=_l("Choose a file."))],
    )
    key = StringField(
        _l("Key (optional: replaces the form_id of the file)"),
        validators=[
            Optional(),
            Regexp(
                QUESTIONNAIRE_KEY,
                message=_l(
                    "A key starts with a lowercase letter and uses only lowercase letters, "
                    "digits, '_' and '-' (at most 64 characters)."
                ),
            ),
        ],
    )
    language = SelectField(
        _l("Language of XLSForm label columns that name none (if the settings do not say)"),
        choices=options([("fr", _l("French")), ("en", _l("English"))]),
        default="fr",
    )
    replace_draft = BooleanField(
        _l("Replace the current draft of this questionnaire if there is one")
    )
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])
    accept_ignored = BooleanField(
        _l("I understand that the constructs listed above will not be imported.")
    )
    submit = SubmitField(_l("Import"))


class TranslationsForm(FlaskForm):
    """Built per definition: one :class:`TextPairForm` per text (see
    :func:`survey_app.design.editing.text_paths`)."""

    languages = MultiCheckboxField(
        _l("Languages"), choices=options([("fr", _l("French")), ("en", _l("English"))])
    )
    submit = SubmitField(_l("Save the translations"))

    def validate_languages(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))


def translations_form_class(count: int) -> type[TranslationsForm]:
    """A :class:`TranslationsForm` with ``count`` text fields ``t0``, ``t1``…"""
    attributes = {f"t{i}": FormField(TextPairForm) for i in range(count)}
    return type("BoundTranslationsForm", (TranslationsForm,), attributes)
