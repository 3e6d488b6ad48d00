"""`{% page_languages as languages %}`: this page in each language (clinic.languages), for the
<link rel="alternate" hreflang> of every page and the visible language switch."""

from django import template
from django.utils import translation

from clinic.languages import PageLanguage
from clinic.languages import page_languages as languages_of

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context: template.Context) -> list[PageLanguage]:
    # The error pages rendered without a request pass their own (clinic.views).
    given = context.get("page_languages")
    if given is not None:
        return given
    request = context.get("request")
    if request is None:
        return []
    return languages_of(request.path_info, request.META.get("QUERY_STRING", ""))


@register.filter
def other_languages(languages: list[PageLanguage]) -> list[PageLanguage]:
    """The languages other than the page's own: what the switch offers."""
    current = translation.get_language()
    return [language for language in languages if language.code != current]
