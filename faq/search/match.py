"""Finding and ranking hits: in PostgreSQL's full-text search, or here in Python on SQLite.

A search is in the language of the page: over the Spanish text on a Spanish page (or the
English of an item not yet translated, which is what that page shows), with the Spanish
stemmer and synonyms; over the English text on an English page, as before.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Case, F, IntegerField, TextField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from faq.languages import DEFAULT_LANGUAGE, active_language, localized, shown_language
from faq.models import Question, RecoveryStage
from faq.search.excerpt import excerpt, highlight
from faq.search.query import Concept, Term, parse_query, synonym_terms
from faq.search.words import BODY_WEIGHT, TITLE_WEIGHT, clean_query, slots_of

# PostgreSQL's text search configuration for each language (Spanish: faq migration 0007).
SEARCH_CONFIGS = {"en": "english", "es": "spanish_unaccent"}


@dataclass
class Hit:
    """One thing the search found: a question, or a stage of the recovery timeline."""

    kind: str  # "question" or "stage"
    title: str
    url: str
    context: str  # the category, or "Recovery timeline"
    text: str  # the answer as plain text
    order: tuple
    matched: int = 0
    rank: float = 0.0
    title_html: SafeString = field(default_factory=SafeString)
    excerpt_html: SafeString = field(default_factory=SafeString)
    # The language of the title, context and text where it is not the page's (an item without
    # its translation shows its English): "" otherwise.
    title_lang: str = ""
    context_lang: str = ""
    text_lang: str = ""


def _other_language(obj: object, field: str) -> str:
    language = active_language()
    shown = shown_language(obj, field, language)
    return "" if shown == language else shown


def _question_hit(question: Question) -> Hit:
    return Hit(
        kind="question",
        title=question.question,
        url=question.get_absolute_url(),
        context=question.category.title,
        text=plain_text(question.answer_html),
        order=(0, question.category.order, question.category_id, question.order, question.pk),
        title_lang=_other_language(question, "question"),
        context_lang=_other_language(question.category, "title"),
        text_lang=_other_language(question, "answer"),
    )


def _stage_hit(stage: RecoveryStage) -> Hit:
    return Hit(
        kind="stage",
        title=gettext("Recovery timeline: %(stage)s") % {"stage": stage.title},
        url=stage.get_absolute_url(),
        context=gettext("Aftercare and recovery"),
        text=plain_text(stage.what_to_expect_html),
        order=(1, stage.order, stage.pk),
        title_lang=_other_language(stage, "title"),
        text_lang=_other_language(stage, "what_to_expect"),
    )


def plain_text(answer_html: str) -> str:
    """What a reader sees of an answer, on one line: no tags or entities, list items ended by
    a semicolon unless they end in punctuation, one space between words."""
    text = answer_html.replace("</li>", ";</li>").replace("<", " <")
    text = " ".join(html.unescape(strip_tags(text)).split())
    return re.sub(r"([.:;!?]) ?;", r"\1", text).rstrip(";")


def search(text: str, language: str | None = None) -> tuple[list[Concept], list[Hit]]:
    """The concepts of the query and the hits, best first, in `language` (by default the
    active one: Spanish on Spanish pages, else English). Three queries to the database."""
    language = language or active_language()
    concepts = parse_query(clean_query(text), synonym_terms(language), language)
    if not concepts:
        return concepts, []
    if connection.vendor == "postgresql":
        hits = _search_postgresql(concepts, language)
    else:
        hits = _search_python(concepts, language)
    hits.sort(key=lambda hit: (-hit.matched, -round(hit.rank, 6), hit.order))
    for hit in hits:
        hit.title_html = highlight(hit.title, concepts, language)
        hit.excerpt_html = excerpt(hit.text, concepts, language=language)
    return concepts, hits


def _search_python(concepts: list[Concept], language: str) -> list[Hit]:
    questions = Question.objects.published().select_related("category")
    documents = [(_question_hit(q), q.question) for q in questions] + [
        (_stage_hit(stage), stage.title) for stage in RecoveryStage.objects.published()
    ]
    hits = []
    for hit, title in documents:
        fields = [
            (TITLE_WEIGHT, slots_of(title, language)),
            (BODY_WEIGHT, slots_of(hit.text, language)),
        ]
        matched = 0
        rank = 0.0
        for concept in concepts:
            found = False
            for term in {term.stems: term for term in concept.terms}.values():
                weights = sorted(
                    (weight for weight, slots in fields for _ in range(term.count_in(slots))),
                    reverse=True,
                )
                if weights:
                    found = True
                    # As PostgreSQL's ts_rank does: the best occurrence in full, each further
                    # one less and less.
                    rank += sum(w / (n + 1) ** 2 for n, w in enumerate(weights))
            matched += found
        if matched:
            hit.matched, hit.rank = matched, rank
            hits.append(hit)
    return hits


def _shown_text(field: str, language: str):
    """The column `field` as the page shows it: the language's text, or the English where it
    has none."""
    if language == DEFAULT_LANGUAGE:
        return F(localized(field, language))
    # The columns' classes differ by language (django-modeltranslation): the type is stated.
    return Coalesce(
        NullIf(F(localized(field, language)), Value(""), output_field=TextField()),
        F(localized(field, DEFAULT_LANGUAGE)),
        output_field=TextField(),
    )


def _search_postgresql(concepts: list[Concept], language: str) -> list[Hit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = SEARCH_CONFIGS[language]

    def query(term: Term) -> SearchQuery:
        kind = "phrase" if len(term.stems) > 1 else "plain"
        return SearchQuery(term.text, config=config, search_type=kind)

    concept_queries = [reduce(or_, map(query, concept.terms)) for concept in concepts]
    any_concept = reduce(or_, concept_queries)

    def ranked(queryset, title: str, body: str):
        vector = SearchVector(_shown_text(title, language), weight="A", config=config) + (
            SearchVector(_shown_text(body, language), weight="B", config=config)
        )
        # One 0/1 per concept, added up in SQL (Case + Case is a CombinedExpression).
        per_concept: list[Combinable] = [
            Case(When(document=q, then=Value(1)), default=Value(0), output_field=IntegerField())
            for q in concept_queries
        ]
        matched = reduce(lambda a, b: a + b, per_concept)
        return (
            queryset.annotate(document=vector)
            .filter(document=any_concept)
            .annotate(rank=SearchRank(F("document"), any_concept), matched=matched)
        )

    hits = []
    questions = ranked(
        Question.objects.published().select_related("category"), "question", "answer_html"
    )
    for question in questions:
        hit = _question_hit(question)
        hit.matched, hit.rank = question.matched, question.rank
        hits.append(hit)
    for stage in ranked(RecoveryStage.objects.published(), "title", "what_to_expect_html"):
        hit = _stage_hit(stage)
        hit.matched, hit.rank = stage.matched, stage.rank
        hits.append(hit)
    return hits
