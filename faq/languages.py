"""The languages of the FAQ's content, and which language a text is shown in.

Translated fields have a column per language (django-modeltranslation, faq/translation.py):
`answer_en` and `answer_es`, while `answer` reads the active language's column, or the English
one when that is empty. The English is required; any other language may be missing.
"""

from collections.abc import Iterable

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as _content_language

DEFAULT_LANGUAGE = "en"


def content_languages() -> tuple[str, ...]:
    """Every language content may be written in, English first."""
    return tuple(settings.MODELTRANSLATION_LANGUAGES)


def active_language() -> str:
    """The active language as a content language ("es" for es or es-mx); English otherwise."""
    return _content_language()


def localized(field: str, language: str) -> str:
    """The column of `field` in `language`: ("answer", "es") -> "answer_es"."""
    return build_localized_fieldname(field, language)


def text_in(obj: object, field: str, language: str) -> str:
    """The text of `field` in `language` exactly, "" when there is none (no fallback)."""
    return getattr(obj, localized(field, language)) or ""


def shown_language(obj: object, field: str, language: str | None = None) -> str:
    """The language `obj.<field>` is shown in when `language` (by default the active one) is
    asked for: that language if the text exists in it, otherwise English, its fallback."""
    language = language or active_language()
    if language == DEFAULT_LANGUAGE or text_in(obj, field, language):
        return language
    return DEFAULT_LANGUAGE


def missing_languages(obj: object, fields: Iterable[str]) -> list[str]:
    """The languages other than English in which some of `fields` has no text yet."""
    return [
        language
        for language in content_languages()
        if language != DEFAULT_LANGUAGE
        and not all(text_in(obj, field, language) for field in fields)
    ]


def render_translations(obj: object, source: str, target: str, render) -> None:
    """Set `target` in every language from `source` in that language (the HTML of Markdown):
    an empty source leaves an empty target, which then falls back to English like the source."""
    for language in content_languages():
        text = text_in(obj, source, language)
        setattr(obj, localized(target, language), render(text) if text else "")


def with_rendered_fields(
    update_fields: Iterable[str] | None, source: str, target: str
) -> set[str] | None:
    """`save(update_fields=...)` with every language of `target` added whenever `source`, in
    any language, is saved: the HTML never lags behind its Markdown."""
    if update_fields is None:
        return None
    fields = set(update_fields)
    sources = {source, *(localized(source, language) for language in content_languages())}
    if fields & sources:
        fields |= {target, *(localized(target, language) for language in content_languages())}
    return fields
