"""Words: cleaning a query, cutting a text into words, and stemming them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer

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

_ENGLISH = snowballstemmer.stemmer("english")

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
    """The English Snowball stem of a word, as PostgreSQL's `english` configuration makes it
    (the same algorithm), so both databases find the same hits: treatments, treating ->
    treatment, treat; scarring, scars -> scar; anti-viral, antiviral -> antivir; AHA's -> aha.
    """
    word = word.casefold().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "").replace("-", "")
    if not word.isalpha():
        return word
    return _ENGLISH.stemWord(word)


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
