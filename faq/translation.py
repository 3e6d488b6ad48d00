"""Which texts patients read in English and Spanish (django-modeltranslation, which imports
this module at start-up), and the edit history of the content.

Each field listed gets a column per language of settings.LANGUAGES (`title_en`, `title_es`);
`title` reads the active language's, or the English when the Spanish is empty. English is
required, as the field itself was; Spanish may be missing (faq.languages).

The history is registered here rather than with `HistoricalRecords()` on the models, as
django-simple-history documents for django-modeltranslation: registered after the translated
columns exist, the historical tables keep every language, and a revert restores both.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from faq.languages import content_languages, localized
from faq.models import Category, HelpBlock, Question, RecoveryStage


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = {"en": ("title",)}


@register(Question)
class QuestionTranslation(TranslationOptions):
    # answer_html is computed from answer on save, language by language (Question.save).
    fields = ("question", "answer", "answer_html")
    required_languages = {"en": ("question", "answer")}


@register(RecoveryStage)
class RecoveryStageTranslation(TranslationOptions):
    fields = ("title", "what_to_expect", "what_to_expect_html")
    required_languages = {"en": ("title", "what_to_expect")}


@register(HelpBlock)
class HelpBlockTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = {"en": ("title", "body")}


def _in_every_language(field: str) -> list[str]:
    return [field, *(localized(field, language) for language in content_languages())]


# The HTML is computed from the Markdown, which the history keeps: it is left out, as before.
simple_history.register(Category)
simple_history.register(
    Question, excluded_fields=[*_in_every_language("answer_html"), "updated_at"]
)
simple_history.register(RecoveryStage, excluded_fields=_in_every_language("what_to_expect_html"))
simple_history.register(HelpBlock)
