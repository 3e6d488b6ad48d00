"""The FAQ, the recovery timeline and "When to get help" in Spanish: the seed's Spanish from the
migration, shown on the Spanish pages; the English where the Spanish is missing, marked
lang="en"; Spanish Markdown rendered and sanitised like the English; both languages edited side
by side in the admin, with the review flag; an edit in either language shows at once.

The Spanish pages are rendered by calling the views with Spanish active (RequestFactory under
translation.override("es")), so these tests hold whatever URL prefix serves them.
"""

import re
from collections import Counter
from importlib import import_module

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clinic import views as clinic_views
from clinic.page_cache import current_pages_version
from faq import views as faq_views
from faq.models import Category, HelpBlock, Question, RecoveryStage
from tests.faq_helpers import assert_one_h1_and_headings_in_order, main_html
from tests.staff_helpers import verified_login

pytestmark = pytest.mark.django_db

SPANISH_SEED = import_module("faq.migrations.0008_spanish_seed")
ENGLISH_SEED = import_module("faq.migrations.0002_seed_content")


def in_spanish(view, path: str = "/es/", data: dict | None = None, **kwargs):
    """The response of `view` to a GET with Spanish active, as /es/... pages are served."""
    with translation.override("es"):
        request = RequestFactory().get(path, data or {})
        request.user = AnonymousUser()
        return view(request, **kwargs)


def spanish_faq(**data) -> str:
    return main_html(in_spanish(faq_views.index, "/es/faq/", data))


def spanish_question(slug: str) -> str:
    return main_html(in_spanish(faq_views.question, f"/es/faq/{slug}/", slug=slug))


def spanish_aftercare() -> str:
    return main_html(in_spanish(clinic_views.aftercare, "/es/aftercare/"))


def english_only_question(**fields) -> Question:
    """A question staff have written in English only."""
    category = Category.objects.get(slug="suitability")
    return Question.objects.create(
        category=category,
        slug="blood-thinners",
        question_en="Can I have it while taking blood thinners?",
        answer_en="Ask a **clinician** first.",
        order=99,
        **fields,
    )


# --- The seed's Spanish --------------------------------------------------------------------------


def test_every_seeded_item_has_its_spanish_awaiting_the_clinics_review():
    for model, fields in [
        (Category, ["title"]),
        (Question, ["question", "answer", "answer_html"]),
        (RecoveryStage, ["title", "what_to_expect", "what_to_expect_html"]),
        (HelpBlock, ["title", "body"]),
    ]:
        for obj in model.objects.all():
            for field in fields:
                assert getattr(obj, f"{field}_es"), f"{obj}: no Spanish {field}"
            assert obj.spanish_awaiting_review, obj


def test_the_spanish_keeps_every_number_of_the_english():
    """Doses of time are facts: 3 months, 20 to 30 minutes, 4 to 6 weeks, 14 days, 911..."""
    pairs = [(q.answer_en, q.answer_es) for q in Question.objects.all()]
    pairs += [(s.what_to_expect_en, s.what_to_expect_es) for s in RecoveryStage.objects.all()]
    pairs += [(b.body_en, b.body_es) for b in HelpBlock.objects.all()]
    for english, spanish in pairs:
        numbers = Counter(re.findall(r"\d+(?:\.\d+)?", english))
        missing = numbers - Counter(re.findall(r"\d+(?:\.\d+)?", spanish))
        assert not missing, f"{missing} missing from: {spanish[:80]}"


def test_the_spanish_keeps_the_lists_of_the_english():
    for question in Question.objects.all():
        assert question.answer_html_es.count("<li>") == question.answer_html_en.count("<li>"), (
            question.slug
        )
    for stage in RecoveryStage.objects.all():
        assert stage.what_to_expect_html_es.count("<li>") == stage.what_to_expect_html_en.count(
            "<li>"
        )
    block = HelpBlock.objects.get()
    assert block.body_es.count("\n- ") == block.body_en.count("\n- ")


def test_the_spanish_help_block_keeps_the_placeholders_filled_from_settings():
    block = HelpBlock.objects.get()
    for placeholder in ("{phone}", "{email}", "{clinic}"):
        assert block.body_es.count(placeholder) == block.body_en.count(placeholder), placeholder


def test_the_spanish_is_written_in_short_sentences():
    """Health literacy: short sentences (about 12 words on average, none past 28)."""
    texts = [text for pair in SPANISH_SEED.QUESTIONS.values() for text in pair]
    texts += [text for pair in SPANISH_SEED.STAGES.values() for text in pair]
    texts.append(SPANISH_SEED.HELP_BODY)
    lengths = [
        len(re.findall(r"\w+", sentence))
        for text in texts
        for sentence in re.split(r"(?<=[.:;!?])\s+|\n+", text)
        if sentence.strip()
    ]
    assert max(lengths) <= 28
    assert sum(lengths) / len(lengths) <= 14


@pytest.mark.parametrize(
    ("slug", "term"),
    [
        ("conditions-treated", "Manchas oscuras (hiperpigmentación)"),
        ("how-it-is-performed", "crema que adormece la piel (anestesia tópica)"),
        ("am-i-a-candidate", "la capa de fuera de la piel (epidermis)"),
        ("who-should-avoid-it", "Accutane (isotretinoína, un medicamento para el acné)"),
        ("who-should-avoid-it", "herpes labial activo (fuegos o calenturas; herpes simple)"),
        ("who-should-avoid-it", "antiviral preventivo (profiláctico)"),
    ],
)
def test_medical_terms_come_in_brackets_after_everyday_words(slug, term):
    assert term in spanish_question(slug)


def test_the_seed_migration_leaves_english_that_staff_have_changed_untranslated():
    """A translation of the old English could say something else: no Spanish for it."""
    from django.apps import apps

    question = Question.objects.get(slug="downtime")
    question.answer_en = "Staff's new answer."
    question.answer_es = None
    question.question_es = None
    question.spanish_awaiting_review = False
    question.save()
    SPANISH_SEED.add_spanish(apps, None)
    question.refresh_from_db()
    assert question.question_es == SPANISH_SEED.QUESTIONS["downtime"][0]
    assert question.answer_es is None


# --- The Spanish pages ----------------------------------------------------------------------------


def test_the_spanish_faq_shows_every_question_and_answer_in_spanish():
    content = spanish_faq()
    for category in Category.objects.all():
        assert f">{category.title_es}</h2>" in content
    for question in Question.objects.all():
        assert f">{question.question_es}</h3>" in content
        assert question.answer_html_es in content
        assert question.question_en not in content
    # Nothing falls back to English: everything of the seed is translated.
    assert 'lang="en"' not in content


def test_a_spanish_question_page_shows_its_answer_and_related_questions_in_spanish():
    content = spanish_question("who-should-avoid-it")
    assert "<h1>¿Quién no debe hacerse el microneedling médico?</h1>" in content
    assert "<li>Está embarazada o está amamantando (dando de mamar)</li>" in content
    assert "Quién puede hacerse el tratamiento" in content  # its category, in the breadcrumb
    assert "¿Puedo hacerme el microneedling médico?" in content  # a related question


def test_the_spanish_aftercare_page_has_the_timeline_and_help_in_spanish(settings):
    settings.CLINIC_PHONE = "(555) 010-9999"
    content = spanish_aftercare()
    assert content.index("<h3>Día 1</h3>") < content.index("<h3>Día 2</h3>")
    assert "<h3>Días 3\N{EN DASH}4</h3>" in content
    assert "Se parece a una quemadura de sol leve o moderada" in content
    assert '<h2 id="when-to-get-help">Cuándo pedir ayuda</h2>' in content
    assert "llame a Riverside Skin Clinic al" in content
    assert "(555) 010-9999" in content
    assert "Llame al 911" in content
    # The aftercare instructions, featured from the FAQ.
    assert "No se maquille hasta el día siguiente al tratamiento." in content


def test_anchors_are_the_same_in_both_languages():
    """Links to /aftercare/#recovery-day-2 keep their place on the Spanish page."""
    content = spanish_aftercare()
    for anchor in ("recovery-day-1", "recovery-day-2", "recovery-days-3-4", "when-to-get-help"):
        assert f'id="{anchor}"' in content


def test_the_spanish_home_page_shows_its_featured_answers_in_spanish():
    content = main_html(in_spanish(clinic_views.home, "/es/"))
    assert "¿Qué es el microneedling médico?" in content
    assert "<li>Cicatrices de acné leves o moderadas</li>" in content


def test_the_spanish_downtime_answer_links_to_the_spanish_aftercare_page():
    content = spanish_question("downtime")
    assert re.search(r'<a href="/es/aftercare/"[^>]*>recuperación día a día</a>', content)


@pytest.mark.parametrize("slug", ["downtime", "who-should-avoid-it"])
def test_spanish_pages_keep_one_h1_and_headings_in_order(slug):
    assert_one_h1_and_headings_in_order(in_spanish(faq_views.question, "/es/", slug=slug))
    assert_one_h1_and_headings_in_order(in_spanish(faq_views.index, "/es/faq/"))
    assert_one_h1_and_headings_in_order(in_spanish(clinic_views.aftercare, "/es/aftercare/"))


def test_english_pages_are_unchanged_and_carry_no_lang_on_their_content(client):
    content = main_html(client.get("/faq/"))
    assert "¿Qué es el microneedling médico?" not in content
    assert "What is Medical Microneedling?" in content
    assert "lang=" not in content
    assert "lang=" not in main_html(client.get("/aftercare/"))


# --- Missing Spanish ------------------------------------------------------------------------------


def test_a_question_without_spanish_shows_its_english_marked_lang_en():
    english_only_question()
    content = spanish_faq()
    assert (
        '<h3 id="q-blood-thinners" lang="en">Can I have it while taking blood thinners?</h3>'
        in content
    )
    assert '<div class="answer" lang="en">\n' in content
    assert "<p>Ask a <strong>clinician</strong> first.</p>" in content
    assert (
        '<a href="#q-blood-thinners" lang="en">Can I have it while taking blood thinners?</a>'
        in content
    )
    page = spanish_question("blood-thinners")
    assert '<h1 lang="en">Can I have it while taking blood thinners?</h1>' in page
    assert '<div class="answer" lang="en">' in page


def test_a_spanish_title_with_an_english_answer_marks_only_the_answer():
    english_only_question(question_es="¿Puedo hacérmelo si tomo anticoagulantes?")
    content = spanish_faq()
    assert '<h3 id="q-blood-thinners">¿Puedo hacérmelo si tomo anticoagulantes?</h3>' in content
    section = content.split('id="q-blood-thinners"', 1)[1].split("</section>", 1)[0]
    assert '<div class="answer" lang="en">' in section


def test_a_category_without_spanish_is_marked_in_the_contents_and_its_heading():
    category = Category.objects.create(title_en="Prices", slug="prices", order=99)
    Question.objects.create(
        category=category,
        slug="price",
        question_en="How much is a session?",
        question_es="¿Cuánto cuesta una sesión?",
        answer_en="Ask us.",
        answer_es="Pregúntenos.",
    )
    content = spanish_faq()
    assert '<a href="#prices" lang="en">Prices</a>' in content
    assert '<h2 id="prices" lang="en">Prices</h2>' in content
    assert '<h3 id="q-price">¿Cuánto cuesta una sesión?</h3>' in content


def test_timeline_and_help_without_spanish_show_their_english_marked():
    RecoveryStage.objects.filter(title_en="Day 2").update(
        title_es=None, what_to_expect_es="", what_to_expect_html_es=""
    )
    HelpBlock.objects.update(body_es=None)
    content = spanish_aftercare()
    assert '<h3 lang="en">Day 2</h3>' in content
    assert "Resembles a mild to moderate sun burn" in content
    assert '<div lang="en"><ul>\n<li>Red/pink hue persists.' in content
    # The help block's Spanish title stays, its English body is marked.
    assert '<h2 id="when-to-get-help">Cuándo pedir ayuda</h2>' in content
    assert '<div lang="en"><p>Some redness, swelling' in content


def test_the_english_page_of_an_item_without_spanish_has_no_lang_attribute(client):
    english_only_question()
    content = main_html(client.get("/faq/blood-thinners/"))
    assert "<h1>Can I have it while taking blood thinners?</h1>" in content
    assert "lang=" not in content


# --- Spanish Markdown, rendered and sanitised as the English --------------------------------------

HOSTILE = (
    "# Título\n\n"
    "Texto <script>alert('x')</script> con <img src=x onerror=alert(1)> y "
    "[un enlace](javascript:alert(1)) y <a href='https://example.com' onclick='x()'>otro</a>.\n\n"
    "- uno\n- dos"
)


def test_spanish_answers_are_rendered_and_sanitised_like_the_english():
    question = english_only_question(answer_es=HOSTILE)
    html = question.answer_html_es
    assert "<h3>Título</h3>" in html
    assert "<ul>\n<li>uno</li>\n<li>dos</li>\n</ul>" in html
    for bad in ("<script", "alert('x')", "onerror", "javascript:", "onclick", "<img"):
        assert bad not in html, bad
    page = spanish_question("blood-thinners")
    assert "<script" not in page and "onerror" not in page and "javascript:" not in page


def test_spanish_timeline_and_help_texts_are_sanitised_too(settings):
    stage = RecoveryStage.objects.get(title_en="Day 1")
    stage.what_to_expect_es = HOSTILE
    stage.save()
    block = HelpBlock.objects.get()
    block.body_es = HOSTILE + "\n\nLlame al {phone}."
    block.save()
    settings.CLINIC_PHONE = "(555) 010-9999"
    content = spanish_aftercare()
    for bad in ("<script", "onerror", "javascript:", "onclick", "<img"):
        assert bad not in content, bad
    assert '<a href="tel:5550109999" rel="noopener noreferrer">(555) 010-9999</a>' in content


def test_saving_only_the_spanish_answer_renders_its_html():
    question = Question.objects.get(slug="downtime")
    question.answer_es = "Nueva **respuesta**."
    question.save(update_fields=["answer_es"])
    question.refresh_from_db()
    assert question.answer_html_es == "<p>Nueva <strong>respuesta</strong>.</p>"
    assert question.answer_html_en.startswith("<p>Immediately after the treatment")


def test_clearing_the_spanish_answer_falls_back_to_the_english_html():
    question = Question.objects.get(slug="downtime")
    question.answer_es = ""
    question.save()
    with translation.override("es"):
        assert question.answer_html == question.answer_html_en


# --- Cost -----------------------------------------------------------------------------------------


def queries_of(view, path, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = view(path, **kwargs)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("view", "path", "kwargs", "expected"),
    [
        (faq_views.index, "/faq/", {}, 2),
        (faq_views.question, "/faq/downtime/", {"slug": "downtime"}, 2),
        (clinic_views.aftercare, "/aftercare/", {}, 3),
        (clinic_views.home, "/", {}, 1),
    ],
    ids=["faq", "question", "aftercare", "home"],
)
def test_spanish_pages_cost_the_same_queries_as_english_ones(view, path, kwargs, expected):
    """The Spanish is in the same rows (columns beside the English): no join, no extra query.
    The same counts as before translation: FAQ 2, a question 2, aftercare 3, home 1."""
    factory = RequestFactory()

    def english(path, **kwargs):
        request = factory.get(path)
        request.user = AnonymousUser()
        return view(request, **kwargs)

    def spanish(path, **kwargs):
        return in_spanish(view, "/es" + path, **kwargs)

    english(path, **kwargs)  # the clinic's details are then cached
    assert queries_of(english, path, **kwargs) == expected
    assert queries_of(spanish, path, **kwargs) == expected


# --- The admin ------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    verified_login(client, user)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:faq_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize(
    ("model", "lookup", "fields"),
    [
        (Question, {"slug": "downtime"}, ["question", "answer"]),
        (Category, {"slug": "aftercare"}, ["title"]),
        (RecoveryStage, {"title_en": "Day 1"}, ["title", "what_to_expect"]),
        (HelpBlock, {"anchor": "when-to-get-help"}, ["title", "body"]),
    ],
)
def test_the_change_page_has_english_and_spanish_side_by_side_and_the_review_flag(
    editor_client, model, lookup, fields
):
    obj = model.objects.get(**lookup)
    content = editor_client.get(change_url(obj)).content.decode()
    for field in fields:
        english = content.index(f'name="{field}_en"')
        spanish = content.index(f'name="{field}_es"')
        assert english < spanish  # the Spanish right after its English
        assert f'name="{field}"' not in content
    assert re.search(r'<input type="checkbox" name="spanish_awaiting_review"[^>]* checked', content)
    assert "Spanish awaiting the clinic" in content
    # The admin itself stays in English.
    assert "Save and continue editing" in content


def test_the_review_flag_is_shown_and_filtered_in_the_change_lists(editor_client):
    reviewed = Question.objects.get(slug="downtime")
    reviewed.spanish_awaiting_review = False
    reviewed.save()
    changelist = reverse("admin:faq_question_changelist")
    content = editor_client.get(changelist).content.decode()
    assert "Spanish awaiting the clinic" in content  # the filter's title
    assert "Awaiting review" in content and "Reviewed" in content
    awaiting = editor_client.get(changelist, {"spanish_awaiting_review__exact": "1"})
    assert f"{Question.objects.count() - 1} questions" in awaiting.content.decode()
    done = editor_client.get(changelist, {"spanish_awaiting_review__exact": "0"}).content.decode()
    assert re.search(r"\b1 question\b", done)
    assert reviewed.question_en in done
    for model in ("category", "recoverystage", "helpblock"):
        url = reverse(f"admin:faq_{model}_changelist")
        assert editor_client.get(url, {"spanish_awaiting_review__exact": "1"}).status_code == 200


def test_a_filter_lists_what_has_no_spanish_yet(editor_client):
    english_only_question()
    changelist = reverse("admin:faq_question_changelist")
    missing = editor_client.get(changelist, {"spanish": "missing"}).content.decode()
    assert re.search(r"\b1 question\b", missing)
    assert "Can I have it while taking blood thinners?" in missing
    assert "Missing" in missing
    written = editor_client.get(changelist, {"spanish": "written"}).content.decode()
    assert "blood thinners" not in written


def form_data(question: Question, **changes) -> dict[str, str]:
    data = {
        "category": str(question.category_id),
        "slug": question.slug,
        "order": str(question.order),
        "feature": question.feature,
        "published": "on",
        "_save": "Save",
    }
    for field in ("question", "answer"):
        for language in ("en", "es"):
            data[f"{field}_{language}"] = getattr(question, f"{field}_{language}") or ""
    if question.spanish_awaiting_review:
        data["spanish_awaiting_review"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_spanish_edit_in_the_admin_shows_at_once_and_clears_the_cached_pages(
    editor_client, client
):
    question = Question.objects.get(slug="downtime")
    client.get("/faq/")
    assert cache.get("public-page:/faq/") is not None
    version = current_pages_version()
    response = editor_client.post(
        change_url(question), form_data(question, answer_es="Una respuesta **nueva**.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Every cached page (each language's) is stale at once: the pages' version changed.
    assert current_pages_version() != version
    assert "<p>Una respuesta <strong>nueva</strong>.</p>" in spanish_question("downtime")
    # The English is as it was.
    editor_client.logout()
    assert "Immediately after the treatment" in client.get("/faq/downtime/").content.decode()


@pytest.mark.parametrize(
    ("model", "field"),
    [(Category, "title"), (Question, "answer"), (RecoveryStage, "title"), (HelpBlock, "body")],
)
def test_a_saved_spanish_translation_reaches_the_invalidation_hook(model, field):
    version = current_pages_version()
    obj = model.objects.first()
    setattr(obj, f"{field}_es", "Nuevo")
    obj.save()
    assert current_pages_version() not in {None, version}


def test_changing_the_english_alone_marks_the_spanish_awaiting_review(editor_client):
    question = Question.objects.get(slug="downtime")
    question.spanish_awaiting_review = False
    question.save()
    response = editor_client.post(
        change_url(question),
        form_data(question, answer_en="Redness lasts 2 to 4 days."),
        follow=True,
    )
    assert "the Spanish is marked as awaiting the clinic" in response.content.decode()
    question.refresh_from_db()
    assert question.spanish_awaiting_review


def test_the_flag_stays_as_the_editor_sets_it_when_both_languages_change(editor_client):
    question = Question.objects.get(slug="downtime")
    data = form_data(question, answer_en="New English.", answer_es="Nuevo español.")
    del data["spanish_awaiting_review"]  # reviewed: the editor unticks it
    editor_client.post(change_url(question), data)
    question.refresh_from_db()
    assert not question.spanish_awaiting_review
    assert question.answer_es == "Nuevo español."


def test_the_history_keeps_both_languages_and_a_revert_restores_the_spanish(editor_client):
    question = Question.objects.get(slug="downtime")
    original_spanish = question.answer_es
    editor_client.post(change_url(question), form_data(question, answer_es="Equivocada."))
    latest = question.history.first()
    assert latest.answer_es == "Equivocada."
    assert latest.answer_en == question.answer_en
    before = question.history.all()[1]
    assert before.history_change_reason == "Spanish added, awaiting the clinic's review"
    revert_url = reverse("admin:faq_question_simple_history", args=[question.pk, before.pk])
    response = editor_client.post(revert_url, form_data(before.instance))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer_es == original_spanish
    assert question.answer_html_es.startswith("<p>Justo después del tratamiento")


def test_reverting_to_the_english_seed_keeps_the_english():
    """Versions recorded before the Spanish columns existed have their English copied in."""
    question = Question.objects.get(slug="downtime")
    oldest = question.history.last()
    assert oldest.history_change_reason == "Loaded from the clinic's FAQ text"
    assert oldest.question_en == ENGLISH_SEED.CATEGORIES[1][2][0][1]
    assert oldest.answer_en == question.answer_en
