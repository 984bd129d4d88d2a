"""Forms of the studies area (quality managers) and of follow-up (social workers)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.security.forms import SecureForm as FlaskForm

NONE = 0  # "no such wave" in optional wave selects

EMAIL_RE = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
PHONE_RE = r"^[0-9+() .-]{6,40}$"


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (easier than a multi-select on a phone and with a keyboard)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _delay_field(label: Any) -> IntegerField:
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description=_l("Days after the baseline invitation."),
    )


class StudyForm(FlaskForm):
    slug = StringField(
        _l("Short name"),
        validators=[
            DataRequired(),
            Length(max=63),
            Regexp(
                r"^[a-z0-9][a-z0-9-]*$",
                message=_l("Use lower-case letters, digits and dashes only."),
            ),
        ],
        description=_l("Used in addresses and exports, e.g. impact-2026. Cannot be changed."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=5000)])
    invitation_validity_days = IntegerField(
        _l("Days an invitation stays valid"),
        default=30,
        validators=[InputRequired(), NumberRange(min=1, max=365)],
    )
    sites = CheckboxesField(
        _l("Sites covered"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one site."))],
    )
    baseline_version = SelectField(_l("Baseline questionnaire"), coerce=int)
    followup1_version = SelectField(_l("Follow-up questionnaire"), coerce=int)
    followup1_delay = _delay_field(_l("Follow-up after (days)"))
    followup2_version = SelectField(_l("Second follow-up questionnaire (optional)"), coerce=int)
    followup2_delay = _delay_field(_l("Second follow-up after (days)"))
    exit_version = SelectField(_l("Exit questionnaire (optional)"), coerce=int)
    exit_delay = _delay_field(_l("Exit survey after (days)"))
    enrol = RadioField(
        _l("Who takes part"),
        choices=[
            SelectChoice(
                "all",
                _l("Everyone currently supported at these sites, and people registered later"),
            ),
            SelectChoice(
                "selection", _l("Only the people listed below, and people registered later")
            ),
            SelectChoice("none", _l("Nobody yet: only people registered from now on")),
        ],
        validators=[InputRequired(message=_l("Choose who takes part."))],
    )
    enrol_codes = TextAreaField(
        _l("Codes of the people to include (one per line)"),
        validators=[Length(max=200_000)],
        description=_l('Only for "the people listed below".'),
    )

    def validate_baseline_version(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the baseline questionnaire."))

    def _check_pair(self, version: SelectField, delay: IntegerField) -> None:
        if version.data and not delay.data:
            delay.errors.append(_l("Give the number of days."))
        if delay.data and not version.data:
            version.errors.append(_l("Choose a questionnaire or leave the days empty."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        before = sum(len(f.errors) for f in self)
        self._check_pair(self.followup1_version, self.followup1_delay)
        self._check_pair(self.followup2_version, self.followup2_delay)
        self._check_pair(self.exit_version, self.exit_delay)
        if (
            self.followup2_version.data
            and self.followup1_delay.data
            and self.followup2_delay.data
            and self.followup2_delay.data <= self.followup1_delay.data
        ):
            self.followup2_delay.errors.append(
                _l("The second follow-up must come after the first.")
            )
        if self.followup2_version.data and not self.followup1_version.data:
            self.followup2_version.errors.append(_l("Add the first follow-up before a second one."))
        return valid and sum(len(f.errors) for f in self) == before


class StudyEditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=5000)])
    invitation_validity_days = IntegerField(
        _l("Days an invitation stays valid"),
        validators=[InputRequired(), NumberRange(min=1, max=365)],
    )
    sites = CheckboxesField(
        _l("Sites covered"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one site."))],
    )


def study_edit_form(
    wave_keys: list[str], names: dict[str, str] | None = None, **kwargs: Any
) -> StudyEditForm:
    """The edit form with one delay field per follow-up/exit wave (``delay_<key>``),
    labelled with the wave's name ("Follow-up 1") when ``names`` gives it."""

    class _Form(StudyEditForm):
        pass

    for key in wave_keys:
        setattr(
            _Form,
            f"delay_{key}",
            IntegerField(
                _l("%(wave)s: days after the first invitation", wave=names[key])
                if names and key in names
                else _l("Wave %(wave)s after (days)", wave=key),
                validators=[InputRequired(), NumberRange(min=1, max=3650)],
            ),
        )
    return _Form(**kwargs)


class StatusForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(["pause", "resume", "close"])])


class WaveVersionForm(FlaskForm):
    version_id = SelectField(_l("Newer version"), coerce=int, validators=[DataRequired()])


class OpenLinkForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[DataRequired()])
    wave_id = SelectField(_l("Wave"), coerce=int, validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button-only form: the CSRF token is all it carries."""


class BeneficiaryForm(FlaskForm):
    code = StringField(
        _l("Pseudonymous code"),
        validators=[
            DataRequired(),
            Length(min=2, max=64),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                message=_l("Use letters, digits, dashes or underscores only."),
            ),
        ],
        description=_l("No name: keep the code suggested or use your service's file number."),
    )
    site_id = SelectField(_l("Site"), coerce=int, validators=[DataRequired()])
    support_started_on = DateField(
        _l("Support started on"),
        validators=[DataRequired(message=_l("Give the date as day, month and year."))],
    )
    study_id = SelectField(_l("Study (baseline invitation)"), coerce=int)
    email = StringField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_RE, message=_l("Enter an e-mail address like name@example.org.")),
        ],
        description=_l("Only to send survey links. Kept apart and deleted after the study."),
    )
    phone = StringField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Regexp(PHONE_RE, message=_l("Enter a phone number with digits only.")),
        ],
    )


class CardForm(FlaskForm):
    """Carries the secrets the delivery page holds, so the server never stores them."""

    token = HiddenField(validators=[DataRequired(), Length(max=128)])
    short_code = HiddenField(validators=[DataRequired(), Length(max=20)])


class EmailForm(FlaskForm):
    """E-mail an invitation: with the delivery page's secrets, or none (re-issue)."""

    token = HiddenField(validators=[Optional(), Length(max=128)])
    short_code = HiddenField(validators=[Optional(), Length(max=20)])


class BeneficiaryImportForm(FlaskForm):
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l(
            "One person per row. Columns: reference (optional: a code is generated), site, "
            "start_date, and optionally email, phone, language (fr or en)."
        ),
    )


class ImportConfirmForm(FlaskForm):
    """Carries the checked rows, signed by the server, from the preview to the save."""

    rows = HiddenField(validators=[DataRequired()])
