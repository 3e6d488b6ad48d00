"""The consent text in English and Spanish (django-modeltranslation, like faq/translation.py).
`text` and `text_html` read the active language's, or the English when there is no Spanish; a
patient signs the text of the page's language, and the signature keeps exactly that."""

from modeltranslation.translator import TranslationOptions, register

from patients.models import ConsentVersion


@register(ConsentVersion)
class ConsentVersionTranslation(TranslationOptions):
    # text_html is rendered from text on save, language by language (ConsentVersion.save).
    fields = ("text", "text_html")
    required_languages = {"en": ("text",)}
