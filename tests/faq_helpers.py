"""Helpers shared by the FAQ and page tests: text extraction and heading checks."""

import html
import itertools
import re

from faq.models import Category, Question

_TAG = re.compile(r"<[^>]+>")
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-"})


def normalise(text: str) -> str:
    """Text as a reader sees it: no tags or entities, one space, dashes alike, no stray spaces
    before punctuation or doubled full stops, case ignored."""
    text = html.unescape(_TAG.sub(" ", text)).translate(_DASHES)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ([.,;:!?)])", r"\1", text)
    text = re.sub(r"\.(?: ?\.)+", ".", text)
    return text.strip().casefold()


def main_html(response) -> str:
    """The <main> element of a page: what the page itself says, without header and footer."""
    content = response.content.decode()
    start = content.index("<main")
    return content[start : content.index("</main>", start)]


def heading_levels(content: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", content)]


def assert_one_h1_and_headings_in_order(response) -> None:
    levels = heading_levels(response.content.decode())
    assert levels.count(1) == 1, f"expected one h1, got headings {levels}"
    assert levels[0] == 1, f"the first heading is not the h1: {levels}"
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, f"heading level skipped: {levels}"


def make_question(
    *, category: Category | None = None, slug: str, question: str, answer: str, **fields
) -> Question:
    if category is None:
        category = Category.objects.create(title="Testing", slug=f"cat-{slug}", order=999)
    return Question.objects.create(
        category=category, slug=slug, question=question, answer=answer, **fields
    )
