"""Showing the matched words: titles highlighted, answers cut to an excerpt around them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from faq.search.words import EXCERPT_LENGTH, Slot, slots_of

if TYPE_CHECKING:
    from faq.search.query import Concept


def _marked(text: str, concepts: list[Concept], language: str) -> list[Slot]:
    slots = slots_of(text, language)
    marked: dict[int, Slot] = {}
    for concept in concepts:
        for term in concept.terms:
            for slot in term.occurrences(slots):
                marked[slot.start] = slot
    return sorted(marked.values(), key=lambda slot: slot.start)


def highlight(text: str, concepts: list[Concept], language: str = "en") -> SafeString:
    """`text`, escaped, with every word of the query (or its synonyms) in <mark>."""
    return _render(text, 0, len(text), _marked(text, concepts, language))


def excerpt(
    text: str, concepts: list[Concept], length: int = EXCERPT_LENGTH, language: str = "en"
) -> SafeString:
    """About `length` characters of `text` around the first matched word, words in <mark>."""
    marked = _marked(text, concepts, language)
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
    parts: list[str] = []
    position = start
    for slot in marked:
        parts.append(escape(text[position : slot.start]))
        parts.append(f"<mark>{escape(text[slot.start : slot.end])}</mark>")
        position = slot.end
    parts.append(escape(text[position:end]))
    # Words of one phrase sit in one <mark>: "<mark>cold</mark> <mark>sores</mark>" -> one.
    joined = re.sub(r"</mark>(\s)<mark>", r"\1", "".join(parts))
    return mark_safe(joined)  # noqa: S308 - every piece of text above is escaped
