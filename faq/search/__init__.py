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
published content, which is a few dozen short texts: the same Snowball English stemmer
(treatments = treatment, scarring = scar) and the same weights. Both find the same hits for the
same query (tests/test_faq_stem.py holds the stemmer to PostgreSQL's).

Every hit comes with a short excerpt of its answer, the matched words in <mark>; everything
else in it is escaped, so nothing in a query or an answer can become markup.

The package: words.py (cleaning, words, stems), query.py (concepts and synonyms), match.py
(finding and ranking), excerpt.py (<mark> and excerpts), misses.py (searches that found none).
"""

from faq.search.excerpt import excerpt, highlight
from faq.search.match import Hit, plain_text, search
from faq.search.misses import record_miss
from faq.search.query import Concept, Term, parse_query, synonym_terms
from faq.search.words import clean_query, stem, words_of

__all__ = [
    "Concept",
    "Hit",
    "Term",
    "clean_query",
    "excerpt",
    "highlight",
    "parse_query",
    "plain_text",
    "record_miss",
    "search",
    "stem",
    "synonym_terms",
    "words_of",
]
