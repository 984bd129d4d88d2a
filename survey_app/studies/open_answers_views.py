"""Theme review of open answers (issue 17): the machine suggests, people decide.

Registered on the studies blueprint (one import at the end of
``studies/views.py``). Every page shows de-identified text only, says that
suggestions come from a statistical model and may be wrong, and works
without JavaScript: each decision is an ordinary form post.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey_app.extensions import db
from survey_app.models import OpenAnswerTheme, Study, User
from survey_app.security.permissions import Permission, requires
from survey_app.services import open_answers
from survey_app.services.errors import DomainError, NotFound
from survey_app.studies.forms import ActionForm
from survey_app.studies.open_answers_forms import (
    NO_THEME,
    AnswersForm,
    DecisionForm,
    MergeForm,
    ThemeNameForm,
    options,
)
from survey_app.studies.views import _study_or_404, blueprint


def _theme_or_404(study: Study, theme_id: int) -> OpenAnswerTheme:
    try:
        return open_answers.get_theme(db.session, study, theme_id)
    except NotFound:
        abort(404)


def _study_and_theme(slug: str, theme_id: int) -> tuple[Study, OpenAnswerTheme]:
    study = _study_or_404(slug)
    return study, _theme_or_404(study, theme_id)


def _deciders(themes: list[OpenAnswerTheme]) -> dict[int, str]:
    ids = {t.decided_by_id for t in themes if t.decided_by_id}
    return {
        user.id: user.display_name or user.email
        for user in (db.session.get(User, i) for i in ids)
        if user is not None
    }


def _answers_form(study: Study, themes: list[OpenAnswerTheme], exclude: int | None) -> AnswersForm:
    form = AnswersForm()
    form.target.choices = options(
        [(NO_THEME, _("Choose a theme…"))]
        + [(t.id, t.label) for t in themes if t.id != exclude and t.status != "rejected"]
    )
    return form


@blueprint.get("/<slug>/open-answers")
@requires(Permission.MANAGE_STUDIES)
def open_answers_index(slug: str) -> str:
    study = _study_or_404(slug)
    themes = open_answers.themes_of(db.session, study)
    answers = open_answers.load_answers(db.session, study)
    counts: dict[int, int] = {}
    for answer in answers:
        for theme_id in answer.themes:
            counts[theme_id] = counts.get(theme_id, 0) + 1
    return render_template(
        "studies/open_answers.html",
        study=study,
        themes=themes,
        counts=counts,
        total=len(answers),
        unthemed=sum(1 for a in answers if not a.themes),
        deciders=_deciders(themes),
        name_form=ThemeNameForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )


@blueprint.post("/<slug>/open-answers/suggest")
@requires(Permission.MANAGE_STUDIES)
def open_answers_suggest(slug: str) -> Response:
    study = _study_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    created = open_answers.suggest(db.session, study, g.user)
    db.session.commit()
    flash(_("%(n)s themes suggested by the model. Read them before validating.", n=len(created)))
    return redirect(url_for("studies.open_answers_index", slug=slug))


@blueprint.post("/<slug>/open-answers/themes")
@requires(Permission.MANAGE_STUDIES)
def open_answers_create(slug: str) -> Response:
    study = _study_or_404(slug)
    form = ThemeNameForm()
    if not form.validate_on_submit():
        flash(_("A theme needs a name of at most 120 characters."), "error")
        return redirect(url_for("studies.open_answers_index", slug=slug))
    theme = open_answers.create_theme(db.session, study, form.label.data, g.user)
    db.session.commit()
    return redirect(url_for("studies.open_answers_theme", slug=slug, theme_id=theme.id))


def _render_answers_page(study: Study, theme: OpenAnswerTheme | None) -> str:
    themes = open_answers.themes_of(db.session, study)
    answers = open_answers.load_answers(db.session, study)
    if theme is None:
        shown = [a for a in answers if not a.themes]
    else:
        shown = [a for a in answers if theme.id in a.themes]
    merge_form = MergeForm(formdata=None)
    merge_form.target.choices = options(
        [(t.id, t.label) for t in themes if theme is None or t.id != theme.id]
    )
    return render_template(
        "studies/open_answers_theme.html",
        study=study,
        theme=theme,
        answers=shown,
        labels={t.id: t.label for t in themes},
        deciders=_deciders([theme] if theme else []),
        name_form=ThemeNameForm(formdata=None, label=theme.label if theme else ""),
        decision_form=DecisionForm(formdata=None),
        merge_form=merge_form,
        answers_form=_answers_form(study, themes, theme.id if theme else None),
    )


@blueprint.get("/<slug>/open-answers/themes/<int:theme_id>")
@requires(Permission.MANAGE_STUDIES)
def open_answers_theme(slug: str, theme_id: int) -> str:
    return _render_answers_page(*_study_and_theme(slug, theme_id))


@blueprint.get("/<slug>/open-answers/unthemed")
@requires(Permission.MANAGE_STUDIES)
def open_answers_unthemed(slug: str) -> str:
    return _render_answers_page(_study_or_404(slug), None)


def _back(slug: str, theme_id: int | None) -> Response:
    if theme_id:
        return redirect(url_for("studies.open_answers_theme", slug=slug, theme_id=theme_id))
    return redirect(url_for("studies.open_answers_unthemed", slug=slug))


@blueprint.post("/<slug>/open-answers/themes/<int:theme_id>/rename")
@requires(Permission.MANAGE_STUDIES)
def open_answers_rename(slug: str, theme_id: int) -> Response:
    study, theme = _study_and_theme(slug, theme_id)
    form = ThemeNameForm()
    if not form.validate_on_submit():
        flash(_("A theme needs a name of at most 120 characters."), "error")
        return _back(slug, theme.id)
    open_answers.rename(db.session, study, theme.id, form.label.data, g.user)
    db.session.commit()
    flash(_("Theme renamed."), "success")
    return _back(slug, theme.id)


@blueprint.post("/<slug>/open-answers/themes/<int:theme_id>/decide")
@requires(Permission.MANAGE_STUDIES)
def open_answers_decide(slug: str, theme_id: int) -> Response:
    study, theme = _study_and_theme(slug, theme_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    open_answers.decide(db.session, study, theme.id, form.decision.data, g.user)
    db.session.commit()
    messages = {
        "validated": _("Theme validated: it will appear in reports."),
        "rejected": _("Theme rejected: it will not appear in reports."),
        "suggested": _("Theme back among the suggestions."),
    }
    flash(messages[form.decision.data], "success")
    return _back(slug, theme.id)


@blueprint.post("/<slug>/open-answers/themes/<int:theme_id>/merge")
@requires(Permission.MANAGE_STUDIES)
def open_answers_merge(slug: str, theme_id: int) -> Response:
    study, theme = _study_and_theme(slug, theme_id)
    form = MergeForm()
    form.target.choices = options(
        [(t.id, t.label) for t in open_answers.themes_of(db.session, study)]
    )
    if not form.validate_on_submit():
        flash(_("Choose the theme to merge into."), "error")
        return _back(slug, theme.id)
    try:
        open_answers.merge(db.session, study, theme.id, form.target.data, g.user)
    except NotFound:
        abort(404)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _back(slug, theme.id)
    db.session.commit()
    flash(_("Themes merged."), "success")
    return _back(slug, form.target.data)


@blueprint.post("/<slug>/open-answers/answers")
@requires(Permission.MANAGE_STUDIES)
def open_answers_answers(slug: str) -> Response:
    study = _study_or_404(slug)
    from_theme = request.args.get("theme", type=int)
    if from_theme:
        _theme_or_404(study, from_theme)
    form = _answers_form(study, open_answers.themes_of(db.session, study), from_theme)
    if not form.validate_on_submit():
        flash(_("Choose what to do with the ticked answers."), "error")
        return _back(slug, from_theme)
    keys = form.answers.data or []
    try:
        if form.action.data == "move":
            target = open_answers.move_answers(
                db.session,
                study,
                keys,
                actor=g.user,
                from_theme_id=from_theme or None,
                to_theme_id=form.target.data or None,
                new_label=(form.new_label.data or "").strip() or None,
            )
            after = target.id if target else from_theme
        elif form.action.data == "remove":
            if not from_theme:
                raise DomainError(_("These answers are in no theme yet."))
            open_answers.move_answers(
                db.session, study, keys, actor=g.user, from_theme_id=from_theme
            )
            after = from_theme
        else:
            open_answers.set_quotable(db.session, study, keys, form.action.data == "allow", g.user)
            after = from_theme
    except NotFound:
        abort(404)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return _back(slug, from_theme)
    db.session.commit()
    flash(_("Done: %(n)s answers.", n=len(keys)), "success")
    return _back(slug, after)
