"""The version store: draft → published (immutable) → archived, on both databases."""

from __future__ import annotations

import json

import pytest

import questionnaires
from survey_app.models import PublishedVersionImmutable, QuestionnaireVersion, Study, Wave
from survey_app.services import questionnaire_store as store
from survey_app.services.errors import NotFound
from tests.design_factories import small_definition, stored_draft, stored_published
from tests.factories import make_organisation


def test_create_publish_archive_cycle(session):
    organisation = make_organisation(session)
    draft = stored_draft(session, organisation)
    assert (draft.number, draft.status) == (1, "draft")
    store.publish(session, draft)
    assert draft.status == "published"
    assert draft.published_at is not None
    with pytest.raises(store.NotADraft):
        store.publish(session, draft)
    with pytest.raises(store.NotADraft):
        store.update_draft(session, draft, small_definition())
    store.archive(session, draft)
    assert draft.status == "archived"
    with pytest.raises(store.NotPublished):
        store.archive(session, draft)
    session.commit()


def test_new_draft_from_published_copies_and_numbers(session):
    organisation = make_organisation(session)
    published = stored_published(session, organisation)
    draft = store.new_draft_from(session, published)
    assert (draft.number, draft.status) == (2, "draft")
    assert draft.definition == published.definition
    assert store.new_draft_from(session, draft) is draft
    with pytest.raises(store.DraftExists):
        store.new_draft_from(session, published)


def test_update_draft_validates_everything_and_keeps_the_key(session):
    organisation = make_organisation(session)
    draft = stored_draft(session, organisation)
    before = dict(draft.definition)
    broken = small_definition()
    broken["sections"][0]["questions"][2]["show_if"] = {"question": "zzz", "in": ["1"]}
    broken["title"] = {"fr": "Seulement fr"}
    with pytest.raises(questionnaires.DefinitionError) as error:
        store.update_draft(session, draft, broken)
    codes = {issue.code for issue in error.value.issues}
    assert {"unknown_question", "missing_translation"} <= codes
    assert draft.definition == before
    with pytest.raises(store.KeyChanged):
        store.update_draft(session, draft, small_definition("other"))


def test_orm_guard_refuses_direct_changes_to_published(session):
    organisation = make_organisation(session)
    published = stored_published(session, organisation)
    published.definition = {**published.definition, "title": {"fr": "x", "en": "x"}}
    with pytest.raises(PublishedVersionImmutable):
        session.flush()
    session.rollback()


def test_comparability_against_last_published(session):
    organisation = make_organisation(session)
    published = stored_published(session, organisation)
    draft = store.new_draft_from(session, published)
    previous, warnings = store.comparability_issues(session, draft)
    assert previous.id == published.id
    assert warnings == []
    changed = small_definition()
    changed["sections"][0]["questions"][0]["type"] = "rating"
    store.update_draft(session, draft, changed)
    _previous, warnings = store.comparability_issues(session, draft)
    assert [w.code for w in warnings] == ["type_changed"]
    assert store.comparability_issues(session, published)[1] == []


def test_delete_draft_and_questionnaire_when_last(session):
    organisation = make_organisation(session)
    published = stored_published(session, organisation)
    draft = store.new_draft_from(session, published)
    assert store.delete_draft(session, draft) is False
    with pytest.raises(store.NotADraft):
        store.delete_draft(session, published)
    lonely = stored_draft(session, organisation, "lonely")
    assert store.delete_draft(session, lonely) is True
    with pytest.raises(NotFound):
        store.get_questionnaire(session, organisation.id, "lonely")


def test_delete_draft_used_by_a_wave_is_refused(session):
    organisation = make_organisation(session)
    draft = stored_draft(session, organisation)
    study = Study(organisation_id=organisation.id, slug="s", title="S")
    session.add(study)
    session.flush()
    session.add(
        Wave(
            study_id=study.id,
            key="baseline",
            kind="baseline",
            position=1,
            questionnaire_version_id=draft.id,
        )
    )
    session.flush()
    with pytest.raises(store.VersionInUse):
        store.delete_draft(session, draft)


def test_duplicate_and_scoping(session):
    organisation = make_organisation(session)
    other = make_organisation(session)
    published = stored_published(session, organisation)
    copy = store.duplicate(session, organisation, published, "small-two")
    assert copy.questionnaire.key == "small-two"
    assert copy.status == "draft"
    with pytest.raises(store.KeyTaken):
        store.duplicate(session, organisation, published, "small-two")
    with pytest.raises(NotFound):
        store.get_version(session, other.id, "small")
    assert store.get_version(session, organisation.id, "small", 1).id == published.id
    with pytest.raises(NotFound):
        store.get_version(session, organisation.id, "small", 7)


def test_import_questionnaire_variants(session):
    organisation = make_organisation(session)
    parsed = questionnaires.load_definition(small_definition())
    first = store.import_questionnaire(session, organisation, parsed)
    with pytest.raises(store.DraftExists):
        store.import_questionnaire(session, organisation, parsed)
    assert store.import_questionnaire(session, organisation, parsed, replace_draft=True) is first
    store.publish(session, first)
    second = store.import_questionnaire(session, organisation, parsed)
    assert second.number == 2
    assert second.status == "draft"


def test_install_builtin_is_idempotent(session):
    organisation = make_organisation(session)
    first = store.install_builtin(session, organisation, "impact-exit")
    assert first.status == "published"
    assert store.install_builtin(session, organisation, "impact-exit").id == first.id
    session.commit()
    assert session.get(QuestionnaireVersion, first.id).fingerprint == questionnaires.fingerprint(
        questionnaires.load_builtin("impact-exit")
    )


def test_parse_upload_outcomes():
    good = store.parse_upload(json.dumps(small_definition()).encode(), "a.json")
    assert good.errors == []
    assert good.questionnaire.key == "small"
    keyed = store.parse_upload(json.dumps(small_definition()).encode(), "a.json", key="k2")
    assert keyed.questionnaire.key == "k2"
    yaml_text = "schema: ecoute-questionnaire/1\nkey: [\n"
    assert store.parse_upload(yaml_text.encode(), "a.yaml").errors
    big = store.parse_upload(b" " * (store.MAX_DEFINITION_BYTES + 1), "a.json")
    assert [e.code for e in big.errors] == ["file_too_large"]
    assert [e.code for e in store.parse_upload(b"x", "a.txt").errors] == ["unsupported_file_type"]
    assert store.parse_upload(b"x", "../../etc/a.json").errors[0].location.startswith("a.json")


def test_version_usage_lists_study_waves(session):
    organisation = make_organisation(session)
    published = stored_published(session, organisation)
    study = Study(organisation_id=organisation.id, slug="follow", title="Follow")
    session.add(study)
    session.flush()
    session.add(
        Wave(
            study_id=study.id,
            key="baseline",
            kind="baseline",
            position=1,
            questionnaire_version_id=published.id,
        )
    )
    session.flush()
    assert store.version_usage(session, published.questionnaire) == {
        published.id: ["follow/baseline"]
    }
    assert store.is_in_use(session, published)
