"""Staff keep the FAQ current in admin: Content editors edit, reorder, publish, preview and
revert FAQ content, see nothing else, and their changes show on the site at once."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse

from faq.models import Category, HelpBlock, Question, RecoveryStage, SearchMiss, Synonym
from tests.staff_helpers import verified_login

pytestmark = pytest.mark.django_db

FAQ_MODELS = [Category, Question, RecoveryStage, HelpBlock, Synonym]


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    verified_login(client, editor)
    return client


def in_both_languages(obj, *fields: str) -> dict[str, str]:
    """The English and Spanish of translated fields, as the admin's change form posts them
    (`question_en`, `question_es`)."""
    return {
        f"{field}_{language}": getattr(obj, f"{field}_{language}") or ""
        for field in fields
        for language in ("en", "es")
    }


def english(**changes) -> dict[str, str]:
    """New English for translated fields: answer="..." is posted as answer_en."""
    return {f"{field}_en": value for field, value in changes.items()}


def question_form_data(question: Question, **changes) -> dict[str, str]:
    """Everything the admin's change form for a question posts; question= and answer= change
    the English."""
    data = {
        "category": str(question.category_id),
        **in_both_languages(question, "question", "answer"),
        "slug": question.slug,
        "order": str(question.order),
        "feature": question.feature,
        "_save": "Save",
    }
    if question.published:
        data["published"] = "on"
    if question.spanish_awaiting_review:
        data["spanish_awaiting_review"] = "on"
    translated = {key: changes.pop(key) for key in ("question", "answer") if key in changes}
    data.update(english(**translated))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def change_url(obj) -> str:
    return reverse(f"admin:faq_{obj._meta.model_name}_change", args=[obj.pk])


# --- The group ---


def test_content_editors_group_is_created_by_migration_with_faq_permissions_only():
    """Everything on the FAQ and aftercare pages, the synonyms, and (only to look at) the
    searches that found nothing."""
    group = Group.objects.get(name="Content editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert codenames == {
        ("faq", f"{action}_{model}")
        for model in ("category", "question", "recoverystage", "helpblock", "synonym")
        for action in ("add", "change", "delete", "view")
    } | {("faq", "view_searchmiss")}


def test_admin_index_shows_the_content_editor_only_the_faq(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    apps = response.context["app_list"]
    assert [app["app_label"] for app in apps] == ["faq"]
    assert {model["object_name"] for model in apps[0]["models"]} == {
        "Category",
        "Question",
        "RecoveryStage",
        "HelpBlock",
        "Synonym",
        "SearchMiss",
    }


def test_content_editor_gets_403_everywhere_outside_the_faq(editor_client):
    """Users, groups, screenings, booking requests, login attempts...: whatever is registered."""
    outside = [model for model in admin.site._registry if model._meta.app_label != "faq"]
    assert any(model._meta.label == "auth.User" for model in outside)
    for model in outside:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert editor_client.get(url).status_code == 403, url
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403


def test_content_editor_can_open_every_faq_change_list_and_add_form(editor_client):
    for model in FAQ_MODELS:
        opts = model._meta
        changelist = reverse(f"admin:faq_{opts.model_name}_changelist")
        assert editor_client.get(changelist).status_code == 200
        assert editor_client.get(changelist, {"q": "day"}).status_code == 200
        if any(field.name == "published" for field in opts.fields):
            assert editor_client.get(changelist, {"published__exact": "1"}).status_code == 200
        assert editor_client.get(reverse(f"admin:faq_{opts.model_name}_add")).status_code == 200


# --- Editing shows at once ---


def test_edit_through_the_admin_change_form_shows_on_a_cached_page_at_once(editor_client, client):
    question = Question.objects.get(slug="downtime")
    public_url = question.get_absolute_url()
    assert "Completely new wording." not in client.get(public_url).content.decode()
    assert cache.get(f"public-page:{public_url}") is not None  # the page was cached

    response = editor_client.post(
        change_url(question), question_form_data(question, answer="Completely new wording.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    editor_client.logout()
    assert "Completely new wording." in client.get(public_url).content.decode()


def test_editing_a_home_page_question_updates_the_cached_home_page(editor_client, client):
    question = Question.objects.get(slug="conditions-treated")
    assert "Sun-damaged skin" not in client.get("/").content.decode()
    editor_client.post(
        change_url(question),
        question_form_data(question, answer=question.answer + "\n- Sun-damaged skin"),
    )
    editor_client.logout()
    assert "<li>Sun-damaged skin</li>" in client.get("/").content.decode()


def test_editing_a_timeline_stage_updates_the_cached_aftercare_page(editor_client, client):
    stage = RecoveryStage.objects.get(title="Day 1")
    client.get("/aftercare/")
    response = editor_client.post(
        change_url(stage),
        {
            **in_both_languages(stage, "title", "what_to_expect"),
            **english(title="Day 1 (treatment day)"),
            "order": str(stage.order),
            "published": "on",
        },
    )
    assert response.status_code == 302
    editor_client.logout()
    assert "<h3>Day 1 (treatment day)</h3>" in client.get("/aftercare/").content.decode()


def test_change_list_reorders_and_unpublishes_in_place(editor_client, client):
    """list_editable order and published: the FAQ follows the new order, hidden ones vanish."""
    client.get("/faq/")
    questions = list(Question.objects.filter(category__slug="the-treatment"))
    first, second = questions[0], questions[1]
    data = {
        "form-TOTAL_FORMS": str(len(questions)),
        "form-INITIAL_FORMS": str(len(questions)),
        "_save": "Save",
    }
    for index, question in enumerate(questions):
        data[f"form-{index}-id"] = str(question.pk)
        data[f"form-{index}-order"] = str(question.order)
        if question.published:
            data[f"form-{index}-published"] = "on"
    # Swap the first two, and unpublish the last.
    data["form-0-order"], data["form-1-order"] = str(second.order), str(first.order)
    del data[f"form-{len(questions) - 1}-published"]

    url = (
        reverse("admin:faq_question_changelist") + "?category__id__exact=" + str(first.category_id)
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    listing = client.get("/faq/").content.decode()
    assert listing.index(second.get_absolute_url()) < listing.index(first.get_absolute_url())
    assert questions[-1].get_absolute_url() not in listing


@pytest.mark.parametrize(("action", "published"), [("unpublish", False), ("publish", True)])
def test_publish_and_unpublish_actions_show_at_once(editor_client, client, action, published):
    question = Question.objects.get(slug="downtime")
    question.published = not published
    question.save()
    client.get("/faq/")
    response = editor_client.post(
        reverse("admin:faq_question_changelist"),
        {"action": action, "_selected_action": [str(question.pk)]},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.published is published
    assert (question.get_absolute_url() in client.get("/faq/").content.decode()) is published
    assert question.history.first().history_user.username == "editor"


def test_content_editor_can_add_and_delete_a_question(editor_client, client):
    category = Category.objects.get(slug="suitability")
    response = editor_client.post(
        reverse("admin:faq_question_add"),
        {
            "category": str(category.pk),
            "question_en": "Can I have it while taking blood thinners?",
            "slug": "blood-thinners",
            "answer_en": "Ask a clinician first.",
            "order": "99",
            "published": "on",
            "feature": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert "Ask a clinician first." in client.get("/faq/blood-thinners/").content.decode()

    question = Question.objects.get(slug="blood-thinners")
    delete_url = reverse("admin:faq_question_delete", args=[question.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert client.get("/faq/blood-thinners/").status_code == 404


# --- Preview ---


def test_change_list_links_to_a_staff_preview_of_unpublished_questions(editor_client):
    question = Question.objects.get(slug="downtime")
    question.published = False
    question.save()
    changelist = editor_client.get(reverse("admin:faq_question_changelist")).content.decode()
    assert f'<a href="{question.get_absolute_url()}">Preview</a>' in changelist

    preview = editor_client.get(question.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview:" in preview.content.decode()


def test_view_on_site_from_the_change_form_leads_to_the_question(editor_client):
    question = Question.objects.get(slug="downtime")
    form = editor_client.get(change_url(question)).content.decode()
    assert "View on site" in form
    response = editor_client.get(
        reverse("admin:view_on_site", args=[_content_type_id(Question), question.pk])
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/faq/downtime/")


def _content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


# --- History ---


def test_edit_creates_history_entry_and_revert_restores_the_old_answer(editor_client, client):
    question = Question.objects.get(slug="when-will-i-see-results")
    original_answer = question.answer
    # Loaded from the seed by the migrations: the English, then the Spanish.
    assert question.history.count() == 2

    editor_client.post(change_url(question), question_form_data(question, answer="Wrong answer."))
    question.refresh_from_db()
    assert question.answer == "Wrong answer."
    assert question.history.count() == 3
    latest = question.history.first()
    assert latest.history_user.username == "editor"
    assert latest.answer == "Wrong answer."

    history_page = editor_client.get(
        reverse("admin:faq_question_history", args=[question.pk])
    ).content.decode()
    original = question.history.all()[1]  # before the edit
    revert_url = reverse("admin:faq_question_simple_history", args=[question.pk, original.pk])
    assert revert_url in history_page

    revert_form = editor_client.get(revert_url)
    assert revert_form.status_code == 200
    assert "Revert" in revert_form.content.decode()

    client.get(question.get_absolute_url())  # cache the wrong answer
    response = editor_client.post(revert_url, question_form_data(original.instance))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == original_answer
    assert question.history.count() == 4

    editor_client.logout()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Wrong answer." not in page
    assert "plumpness and glow" in page


def test_timeline_and_categories_keep_history_too(editor_client):
    stage = RecoveryStage.objects.get(title="Day 2")
    editor_client.post(
        change_url(stage),
        {
            **in_both_languages(stage, "title", "what_to_expect"),
            **english(what_to_expect="- Changed"),
            "order": "20",
            "published": "on",
        },
    )
    assert stage.history.count() == 3  # the seed's English, its Spanish, the edit
    assert (
        editor_client.get(reverse("admin:faq_recoverystage_history", args=[stage.pk])).status_code
        == 200
    )
    category = Category.objects.get(slug="aftercare")
    assert (
        editor_client.get(reverse("admin:faq_category_history", args=[category.pk])).status_code
        == 200
    )


# --- Synonyms, the help block, and the searches that found nothing ---


def test_content_editor_adds_a_synonym_and_the_search_uses_it(editor_client, client):
    assert "/faq/who-should-avoid-it/" not in client.get("/faq/", {"q": "zebra"}).content.decode()
    response = editor_client.post(
        reverse("admin:faq_synonym_add"),
        {"language": "en", "terms": "zebra, keloid", "_save": "Save"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "/faq/who-should-avoid-it/" in client.get("/faq/", {"q": "zebra"}).content.decode()


def test_a_synonym_of_one_word_is_refused_with_a_message(editor_client):
    response = editor_client.post(
        reverse("admin:faq_synonym_add"), {"language": "en", "terms": "zebra", "_save": "Save"}
    )
    assert response.status_code == 200
    assert "at least two words or phrases" in response.content.decode()
    assert not Synonym.objects.filter(terms="zebra").exists()


def test_searches_that_found_nothing_are_read_only_for_content_editors(editor_client, client):
    client.get("/faq/", {"q": "tattoo"})
    client.get("/faq/", {"q": "tattoo"})
    miss = SearchMiss.objects.get()
    changelist = editor_client.get(reverse("admin:faq_searchmiss_changelist"))
    assert changelist.status_code == 200
    content = changelist.content.decode()
    assert "tattoo" in content
    assert reverse("admin:faq_searchmiss_add") not in content
    assert editor_client.get(reverse("admin:faq_searchmiss_add")).status_code == 403
    change_url_ = reverse("admin:faq_searchmiss_change", args=[miss.pk])
    view = editor_client.get(change_url_)
    assert view.status_code == 200  # a view-only page
    assert 'name="_save"' not in view.content.decode()
    assert editor_client.post(change_url_, {"words": "changed"}).status_code == 403
    delete_url = reverse("admin:faq_searchmiss_delete", args=[miss.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    miss.refresh_from_db()
    assert (miss.words, miss.count) == ("tattoo", 2)


def test_editing_the_help_block_in_admin_shows_on_the_cached_aftercare_page(editor_client, client):
    block = HelpBlock.objects.get(anchor="when-to-get-help")
    client.get("/aftercare/")
    assert cache.get("public-page:/aftercare/") is not None
    response = editor_client.post(
        change_url(block),
        {
            **in_both_languages(block, "title", "body"),
            **english(body="If in doubt, call {phone}."),
            "order": str(block.order),
            "published": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    editor_client.logout()
    content = client.get("/aftercare/").content.decode()
    assert "If in doubt, call " in content
    assert 'id="when-to-get-help"' in content
    assert block.history.count() == 3  # the seed's English, its Spanish, the edit


def test_the_help_blocks_anchor_cannot_be_changed_once_saved(editor_client):
    block = HelpBlock.objects.get(anchor="when-to-get-help")
    editor_client.post(
        change_url(block),
        {
            **in_both_languages(block, "title", "body"),
            **english(title="Getting help"),
            "anchor": "getting-help",
            "order": str(block.order),
            "published": "on",
            "_save": "Save",
        },
    )
    block.refresh_from_db()
    assert block.title == "Getting help"
    assert block.anchor == "when-to-get-help"
