"""The report request: study, period, sites, language (a GET form: links can be shared)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import get_month_names
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.security.forms import SecureForm as FlaskForm


def _month_name(number: int) -> str:
    """The month by name in the interface language ("octobre", "October"), not a number."""
    return get_month_names("wide", locale=get_locale() or "en")[number]


def options(pairs: list[tuple[Any, Any]]) -> list[SelectChoice]:
    """WTForms 3.3 wants ``SelectChoice`` objects rather than tuples."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReportForm(FlaskForm):
    """Parameters of a report; everything is in the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    study = SelectField(_l("Study"), coerce=int, validators=[InputRequired()])
    period = RadioField(
        _l("Period"),
        choices=options(
            [
                ("all", _l("All answers")),
                ("month", _l("A month")),
                ("quarter", _l("A quarter")),
                ("year", _l("A year")),
                ("custom", _l("Chosen dates")),
            ]
        ),
        default="all",
        validators=[InputRequired()],
    )
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    month = SelectField(
        _l("Month"),
        coerce=int,
        choices=options(
            [(0, "–")] + [(number, LazyString(_month_name, number)) for number in range(1, 13)]
        ),
        default=0,
    )
    quarter = SelectField(
        _l("Quarter"),
        coerce=int,
        choices=options(
            [(0, "–")] + [(number, _l("Q%(number)s", number=number)) for number in range(1, 5)]
        ),
        default=0,
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    sites = MultiCheckboxField(_l("Sites (none ticked: all sites)"), choices=[])
    breakdown_wave = SelectField(
        _l("Compare sites, modes and languages within one wave"),
        choices=[],
        default="",
        validate_choice=False,
    )
    lang = RadioField(
        _l("Report language"),
        choices=options([("fr", "Français"), ("en", "English")]),
        default="fr",
        validators=[InputRequired()],
    )

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks that depend on the chosen period."""
        valid = super().validate(extra_validators)
        period = self.period.data
        if (
            period in ("month", "quarter", "year")
            and self.year.data is None
            and not self.year.errors
        ):
            self.year.errors.append(_l("Enter the year, for example %(year)s.", year=_this_year()))
        if period == "month" and not self.month.data:
            self.month.errors.append(_l("Choose the month."))
        if period == "quarter" and not self.quarter.data:
            self.quarter.errors.append(_l("Choose the quarter."))
        if period == "custom":
            if self.date_from.data is None and self.date_to.data is None:
                self.date_from.errors.append(_l("Enter at least one of the two dates."))
            elif (
                self.date_from.data
                and self.date_to.data
                and self.date_from.data > self.date_to.data
            ):
                self.date_to.errors.append(_l("The end date must be on or after the start date."))
        return valid and not any(field.errors for field in self)


def _this_year() -> int:
    return dt.date.today().year


class ExportForm(FlaskForm):
    """What to put in an answers export."""

    class Meta:
        csrf = False

    include_free_text = BooleanField(_l("Include free-text answers"))
