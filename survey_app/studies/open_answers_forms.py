"""Forms of the theme review pages (issue 17)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from survey_app.services.open_answers import MAX_LABEL

NO_THEME = 0


def options(pairs: list[tuple[int, str]]) -> list[SelectChoice]:
    """WTForms 3.3 wants ``SelectChoice`` objects rather than tuples."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class ThemeNameForm(FlaskForm):
    label = StringField(_l("Theme name"), validators=[DataRequired(), Length(max=MAX_LABEL)])


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[AnyOf(["validated", "rejected", "suggested"])])


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge this theme into"), coerce=int, validators=[DataRequired()])


class AnswersForm(FlaskForm):
    """One form for what can be done to the answers ticked on a page."""

    answers = SelectMultipleField(_l("Answers"), choices=[], validate_choice=False)
    target = SelectField(_l("Existing theme"), coerce=int, validators=[Optional()])
    new_label = StringField(
        _l("Or a new theme named"), validators=[Optional(), Length(max=MAX_LABEL)]
    )
    action = SelectField(
        _l("What to do with the ticked answers"),
        choices=[
            SelectChoice(value="move", label=_l("Put them in the theme chosen below")),
            SelectChoice(value="remove", label=_l("Take them out of this theme")),
            SelectChoice(value="exclude", label=_l("Never quote them in reports")),
            SelectChoice(value="allow", label=_l("Allow quoting them again")),
        ],
        validators=[DataRequired()],
    )
