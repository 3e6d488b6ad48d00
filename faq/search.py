"""The FAQ search: it understands patients' questions, not just the exact phrase they type.

A query is cut into its significant words ("How many sessions?" -> "sessions": "how" and
"many" say nothing about the subject). Each word, or a phrase staff have listed as a synonym
("cold sore"), is a *concept* that matches any of its equivalents (sessions = treatments).
A question is found when any concept matches its title or answer; a recovery timeline stage
likewise, by its title or text. Hits are ranked by how many of the concepts they match, then
by how strongly: a word in a title counts for more than one in an answer, and a word that
comes up again counts a little more each time.

On PostgreSQL the database does the matching and ranking, with its English full-text search
(SearchVector, SearchQuery, SearchRank). On SQLite the same is done here, in Python, over the
published content, which is a few dozen short texts: a light English stemmer (treatments =
treatment, scarring = scar) and the same weights. Both find the same hits for the same query.

Every hit comes with a short excerpt of its answer, the matched words in <mark>; everything
else in it is escaped, so nothing in a query or an answer can become markup.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from faq.models import Question, RecoveryStage, SearchMiss, Synonym

logger = logging.getLogger(__name__)

# Longer than any real question; a pasted essay is cut here before anything else happens.
MAX_QUERY_LENGTH = 200
# A search looks for at most this many separate words or phrases.
MAX_CONCEPTS = 8
# The excerpt of an answer shown with each hit, in characters (about two lines).
EXCERPT_LENGTH = 200
# Words too common to tell one answer from another. PostgreSQL's English list (so that no word
# the search keeps is one PostgreSQL would ignore), and the filler of patients' questions.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
    many much also would could may might must shall get gets getting got need needs want
    wants please tell know im ive id dont cant wont isnt doesnt didnt shouldnt whats thats
    like us able ok okay
    """.split()  # noqa: SIM905 - a list of words reads best as words
)
# A word: letters and digits, possibly joined by hyphens or apostrophes (anti-viral, AHA's).
_WORD = re.compile(r"[^\W_]+(?:[-'\u2019][^\W_]+)*")
# Characters that are never text: control characters (NUL included), surrogates, unassigned.
_NOT_TEXT = {"Cc", "Cf", "Cs", "Co", "Cn"}

# ts_rank's weights for PostgreSQL's labels A (titles) and B (answers), used here as well.
TITLE_WEIGHT = 1.0
BODY_WEIGHT = 0.4


# --- Words -----------------------------------------------------------------------------------


def clean_query(text: str) -> str:
    """The query as it may be shown and searched: no control characters (a NUL byte would make
    PostgreSQL fail), one space between words, at most MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_LENGTH * 4])
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _NOT_TEXT or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def words_of(text: str) -> list[str]:
    """The words of `text`, lower case: "AHA's anti-viral" -> ["aha's", "anti-viral"]."""
    return [word.casefold().replace("\u2019", "'") for word in _WORD.findall(text)]


def stem(word: str) -> str:
    """A light English stemmer: the forms of a word patients and the FAQ use come out alike.

    treatments, treatment -> treatment; treated, treating -> treat; scarring, scars -> scar;
    bruises, bruising -> bruis; anti-viral, antiviral -> antiviral; AHA's -> aha.
    """
    word = word.casefold().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "").replace("-", "")
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and re.search("[aeiouy]", base):
            word = base
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # scarring -> scarr -> scar
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]  # bruise, bruising -> bruis
    return word


@dataclass(frozen=True)
class Slot:
    """One word of a text, where it is, and the stems it answers to (a hyphenated word answers
    to the whole and to each part: "micro-needles" to microneedl, micro and needl)."""

    start: int
    end: int
    stems: frozenset[str]


def slots_of(text: str) -> list[Slot]:
    slots = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        stems = {stem(word)}
        if "-" in word:
            stems.update(stem(part) for part in word.split("-") if part)
        slots.append(Slot(match.start(), match.end(), frozenset(stems)))
    return slots


# --- The query ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One way of saying a concept: a word or a phrase."""

    text: str
    stems: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Term | None:
        words = words_of(text)
        if not words:
            return None
        return cls(" ".join(words), tuple(stem(word) for word in words))

    def occurrences(self, slots: list[Slot]) -> list[Slot]:
        """The slots where this term starts (a phrase needs its words one after another)."""
        found = []
        size = len(self.stems)
        for index in range(len(slots) - size + 1):
            if all(self.stems[k] in slots[index + k].stems for k in range(size)):
                found.extend(slots[index : index + size])
        return found

    def count_in(self, slots: list[Slot]) -> int:
        return len(self.occurrences(slots)) // len(self.stems)


@dataclass(frozen=True)
class Concept:
    """Something the patient asked about: what they typed, and every way of saying it."""

    words: str
    terms: tuple[Term, ...]


def synonym_terms() -> list[list[Term]]:
    """The staff's synonym groups, as terms."""
    groups = []
    for synonym in Synonym.objects.all():
        terms = [term for term in map(Term.of, synonym.term_list()) if term is not None]
        if len(terms) >= 2:
            groups.append(terms)
    return groups


def parse_query(text: str, synonyms: list[list[Term]]) -> list[Concept]:
    """The concepts of a query: its significant words, each with its synonyms.

    A phrase listed as a synonym ("cold sore") is one concept, even if some of its words are
    stop words; other stop words are dropped. Repeated concepts count once.
    """
    words = words_of(text)[: MAX_CONCEPTS * 4]
    stems = [stem(word) for word in words]
    concepts: list[Concept] = []
    seen: set[frozenset[str]] = set()
    index = 0
    while index < len(words) and len(concepts) < MAX_CONCEPTS:
        # The longest synonym term that starts here, and every group that has it.
        size, groups = 0, []
        for group in synonyms:
            for term in group:
                length = len(term.stems)
                if tuple(stems[index : index + length]) == term.stems:
                    if length > size:
                        size, groups = length, [group]
                    elif length == size:
                        groups.append(group)
        if size:
            typed = Term(" ".join(words[index : index + size]), tuple(stems[index : index + size]))
            terms = _unique([typed, *(term for group in groups for term in group)])
        elif words[index].replace("'", "") in STOP_WORDS or words[index] in STOP_WORDS:
            index += 1
            continue
        else:
            size = 1
            terms = [Term(words[index], (stems[index],))]
        key = frozenset(term.stems for term in terms)
        if key not in seen:
            seen.add(key)
            concepts.append(Concept(" ".join(words[index : index + size]), tuple(terms)))
        index += size
    return concepts


def _unique(terms: list[Term]) -> list[Term]:
    """Each spelling once. Spellings with the same stems stay apart: here they are the same
    ("anti-viral", "antiviral"), but PostgreSQL's stemmer keeps them apart."""
    unique: dict[str, Term] = {}
    for term in terms:
        unique.setdefault(term.text, term)
    return list(unique.values())


# --- Hits ---------------------------------------------------------------------------------------


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


def _question_hit(question: Question) -> Hit:
    return Hit(
        kind="question",
        title=question.question,
        url=question.get_absolute_url(),
        context=question.category.title,
        text=plain_text(question.answer_html),
        order=(0, question.category.order, question.category_id, question.order, question.pk),
    )


def _stage_hit(stage: RecoveryStage) -> Hit:
    return Hit(
        kind="stage",
        title=f"Recovery timeline: {stage.title}",
        url=stage.get_absolute_url(),
        context="Aftercare and recovery",
        text=plain_text(stage.what_to_expect_html),
        order=(1, stage.order, stage.pk),
    )


def plain_text(answer_html: str) -> str:
    """What a reader sees of an answer, on one line: no tags or entities, list items ended by
    a semicolon unless they end in punctuation, one space between words."""
    text = answer_html.replace("</li>", ";</li>").replace("<", " <")
    text = " ".join(html.unescape(strip_tags(text)).split())
    return re.sub(r"([.:;!?]) ?;", r"\1", text).rstrip(";")


def search(text: str) -> tuple[list[Concept], list[Hit]]:
    """The concepts of the query and the hits, best first. Three queries to the database."""
    concepts = parse_query(clean_query(text), synonym_terms())
    if not concepts:
        return concepts, []
    if connection.vendor == "postgresql":
        hits = _search_postgresql(concepts)
    else:
        hits = _search_python(concepts)
    hits.sort(key=lambda hit: (-hit.matched, -round(hit.rank, 6), hit.order))
    for hit in hits:
        hit.title_html = highlight(hit.title, concepts)
        hit.excerpt_html = excerpt(hit.text, concepts)
    return concepts, hits


def _search_python(concepts: list[Concept]) -> list[Hit]:
    questions = Question.objects.published().select_related("category")
    documents = [(_question_hit(q), q.question) for q in questions] + [
        (_stage_hit(stage), stage.title) for stage in RecoveryStage.objects.published()
    ]
    hits = []
    for hit, title in documents:
        fields = [(TITLE_WEIGHT, slots_of(title)), (BODY_WEIGHT, slots_of(hit.text))]
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


def _search_postgresql(concepts: list[Concept]) -> list[Hit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    def query(term: Term) -> SearchQuery:
        kind = "phrase" if len(term.stems) > 1 else "plain"
        return SearchQuery(term.text, config="english", search_type=kind)

    concept_queries = [reduce(or_, map(query, concept.terms)) for concept in concepts]
    any_concept = reduce(or_, concept_queries)

    def ranked(queryset, title: str, body: str):
        vector = SearchVector(title, weight="A", config="english") + SearchVector(
            body, weight="B", config="english"
        )
        matched = reduce(
            lambda a, b: a + b,
            [
                Case(When(document=q, then=Value(1)), default=Value(0), output_field=IntegerField())
                for q in concept_queries
            ],
        )
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


# --- Showing the matched words -------------------------------------------------------------------


def _marked(text: str, concepts: list[Concept]) -> list[Slot]:
    slots = slots_of(text)
    marked: dict[int, Slot] = {}
    for concept in concepts:
        for term in concept.terms:
            for slot in term.occurrences(slots):
                marked[slot.start] = slot
    return sorted(marked.values(), key=lambda slot: slot.start)


def highlight(text: str, concepts: list[Concept]) -> SafeString:
    """`text`, escaped, with every word of the query (or its synonyms) in <mark>."""
    return _render(text, 0, len(text), _marked(text, concepts))


def excerpt(text: str, concepts: list[Concept], length: int = EXCERPT_LENGTH) -> SafeString:
    """About `length` characters of `text` around the first matched word, words in <mark>."""
    marked = _marked(text, concepts)
    if len(text) <= length:
        return _render(text, 0, len(text), marked)
    start = 0
    if marked and marked[0].end > length - 20:
        # Begin a little before the first match, at the start of a word.
        start = max(0, marked[0].start - length // 4)
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < marked[0].start else marked[0].start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start:
            end = space
    inside = [slot for slot in marked if slot.start >= start and slot.end <= end]
    body = _render(text, start, end, inside)
    prefix = "\N{HORIZONTAL ELLIPSIS}\N{NO-BREAK SPACE}" if start > 0 else ""
    suffix = "\N{NO-BREAK SPACE}\N{HORIZONTAL ELLIPSIS}" if end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - _render escapes everything


def _render(text: str, start: int, end: int, marked: list[Slot]) -> SafeString:
    parts = []
    position = start
    for slot in marked:
        parts.append(escape(text[position : slot.start]))
        parts.append(f"<mark>{escape(text[slot.start : slot.end])}</mark>")
        position = slot.end
    parts.append(escape(text[position:end]))
    # Words of one phrase sit in one <mark>: "<mark>cold</mark> <mark>sores</mark>" -> one.
    joined = re.sub(r"</mark>(\s)<mark>", r"\1", "".join(parts))
    return mark_safe(joined)  # noqa: S308 - every piece of text above is escaped


# --- Searches that found nothing -----------------------------------------------------------------

# A bound on the table, should someone script random searches: past it, new words are not kept.
MAX_MISS_ROWS = 5000


def record_miss(concepts: list[Concept]) -> None:
    """Count a search that found nothing, by its significant words only.

    A count that cannot be written (a locked or read-only database) is given up: the patient's
    page matters more than the statistic.
    """
    words = " ".join(concept.words for concept in concepts)[:200]
    if not words:
        return
    try:
        with transaction.atomic():
            _count_miss(words)
    except DatabaseError:
        logger.warning("Could not count a search that found nothing", exc_info=True)


def _count_miss(words: str) -> None:
    if SearchMiss.objects.filter(words=words).update(count=F("count") + 1):
        return
    if SearchMiss.objects.count() >= MAX_MISS_ROWS:
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(words=words, count=1)
    except IntegrityError:  # the same words, counted at the same moment by another request
        SearchMiss.objects.filter(words=words).update(count=F("count") + 1)
