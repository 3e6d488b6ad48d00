"""The query: its significant words, each a concept with every way of saying it, in the
language of the page (English or Spanish: each has its words, stems and synonyms)."""

from __future__ import annotations

from dataclasses import dataclass

from faq.models import Synonym
from faq.search.words import MAX_CONCEPTS, Slot, fold_accents, is_stop_word, stem, words_of


@dataclass(frozen=True)
class Term:
    """One way of saying a concept: a word or a phrase."""

    text: str
    stems: tuple[str, ...]

    @classmethod
    def of(cls, text: str, language: str = "en") -> Term | None:
        words = words_of(text)
        if not words:
            return None
        return cls(" ".join(words), tuple(stem(word, language) for word in words))

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


def synonym_terms(language: str = "en") -> list[list[Term]]:
    """The staff's synonym groups for the search in `language`, as terms."""
    groups = []
    for synonym in Synonym.objects.filter(language=language):
        terms = [
            term
            for term in (Term.of(text, language) for text in synonym.term_list())
            if term is not None
        ]
        if len(terms) >= 2:
            groups.append(terms)
    return groups


def parse_query(text: str, synonyms: list[list[Term]], language: str = "en") -> list[Concept]:
    """The concepts of a query: its significant words, each with its synonyms.

    A phrase listed as a synonym ("cold sore") is one concept, even if some of its words are
    stop words; other stop words are dropped. Repeated concepts count once.
    """
    words = words_of(text)[: MAX_CONCEPTS * 4]
    stems = [stem(word, language) for word in words]
    concepts: list[Concept] = []
    seen: set[frozenset[tuple[str, ...]]] = set()
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
        elif is_stop_word(words[index], language):
            index += 1
            continue
        else:
            size = 1
            terms = [Term(words[index], (stems[index],))]
            if language == "es":
                terms += _other_number(words[index])
        key = frozenset(term.stems for term in terms)
        if key not in seen:
            seen.add(key)
            concepts.append(Concept(" ".join(words[index : index + size]), tuple(terms)))
        index += size
    return concepts


# Without accents, the Spanish stemmer (PostgreSQL's, and the same here) cuts "inflamaciones"
# to "inflam" but leaves "inflamacion" whole: a query in one number also asks for the other.
_PLURAL_ENDINGS = (("ciones", "cion"), ("siones", "sion"))


def _other_number(word: str) -> list[Term]:
    """The singular of a Spanish word in -ciones or -siones, or the plural of one in -ción or
    -sión, as a term of its own: "inflamación" finds "inflamaciones" and back."""
    plain = fold_accents(word)
    for plural, singular in _PLURAL_ENDINGS:
        if plain.endswith(plural):
            other = plain[: -len(plural)] + singular
        elif plain.endswith(singular):
            other = plain[: -len(singular)] + plural
        else:
            continue
        term = Term.of(other, "es")
        return [term] if term is not None else []
    return []


def _unique(terms: list[Term]) -> list[Term]:
    """Each spelling once. Spellings with the same stems stay apart: here they are the same
    ("anti-viral", "antiviral"), but PostgreSQL's stemmer keeps them apart."""
    unique: dict[str, Term] = {}
    for term in terms:
        unique.setdefault(term.text, term)
    return list(unique.values())
