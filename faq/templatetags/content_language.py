"""{% fallback_lang obj "field" %}: ` lang="en"` on an element whose text is shown in English
on a page in another language, because its translation is missing; nothing otherwise.

    {% load content_language %}
    <h2{% fallback_lang question "question" %}>{{ question.question }}</h2>
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from faq.languages import active_language, shown_language

register = template.Library()


@register.simple_tag
def fallback_lang(obj: object, field: str) -> SafeString | str:
    language = active_language()
    shown = shown_language(obj, field, language)
    if shown == language:
        return ""
    return format_html(' lang="{}"', shown)
