"""FAQ editing for the "Content editors" group: edit, reorder, publish, preview, revert; the
search's synonyms; and, read-only, the searches that found nothing.

Every model keeps its edit history (django-simple-history), with a revert from the History
page. Publish/unpublish actions save each object in turn rather than with a bulk update, so
that each change is recorded in the history and clears the public page cache (clinic/page_cache.py).

The texts patients read are edited in English and, right below each, in Spanish
(django-modeltranslation's TranslationAdmin: "Question [en]", "Question [es]"). Each item has a
"Spanish awaiting the clinic's review" flag, shown and filtered in its list, with a filter for
items whose Spanish is missing (those show the English on the Spanish pages).
"""

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator
from simple_history.admin import SimpleHistoryAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class QuestionTotal(TypedDict):
        question_total: int


from faq.languages import DEFAULT_LANGUAGE, localized, missing_languages, text_in
from faq.models import Category, HelpBlock, Question, RecoveryStage, SearchMiss, Synonym

SPANISH = "es"


def _set_published(modeladmin, request: HttpRequest, queryset: QuerySet, *, published: bool):
    changed = 0
    for obj in queryset:
        if obj.published != published:
            obj.published = published
            obj._history_user = request.user
            obj.save()
            changed += 1
    state = "published" if published else "unpublished"
    modeladmin.message_user(request, f"{changed} item(s) {state}.", messages.SUCCESS)


@admin.action(description="Publish the selected items", permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=True)


@admin.action(description="Unpublish the selected items", permissions=["change"])
def unpublish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, published=False)


class SpanishTextFilter(admin.SimpleListFilter):
    """Items whose Spanish is missing (in some field): the Spanish pages show their English."""

    title = "Spanish text"
    parameter_name = "spanish"

    def lookups(self, request, model_admin):
        return [("missing", "Missing (shows the English)"), ("written", "Written")]

    def queryset(self, request, queryset):
        if self.value() not in {"missing", "written"}:
            return queryset
        spanish = [localized(name, SPANISH) for name in _edited_fields(queryset.model)]
        empty = (Q(**{f"{name}__isnull": True}) | Q(**{name: ""}) for name in spanish)
        missing = reduce(or_, empty)
        return queryset.filter(missing) if self.value() == "missing" else queryset.exclude(missing)


def _edited_fields(model) -> list[str]:
    """The translated fields staff write (not the HTML computed from them)."""
    return [
        name
        for name in translator.get_options_for_model(model).all_fields
        if model._meta.get_field(name).editable
    ]


class TranslatedContentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """English and Spanish side by side, with the Spanish review flag.

    When the English of an item changes and its Spanish does not, the Spanish no longer says
    the same: the flag is set again (unless the editor set or cleared it in the same save),
    so a change to medical advice never leaves an outdated Spanish version unnoticed.
    """

    def save_model(self, request: HttpRequest, obj, form: ModelForm, change: bool) -> None:
        if change and self._english_changed_alone(obj, form):
            obj.spanish_awaiting_review = True
            self.message_user(
                request,
                "The English changed and the Spanish did not: the Spanish is marked as awaiting "
                "the clinic's review.",
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    def _english_changed_alone(self, obj, form: ModelForm) -> bool:
        fields = _edited_fields(self.model)
        changed = set(form.changed_data)
        english = {localized(name, DEFAULT_LANGUAGE) for name in fields}
        spanish = {localized(name, SPANISH) for name in fields}
        has_spanish = any(text_in(obj, name, SPANISH) for name in fields)
        return bool(
            changed & english
            and not changed & spanish
            and "spanish_awaiting_review" not in changed
            and not obj.spanish_awaiting_review
            and has_spanish
        )

    @admin.display(description="Spanish")
    def spanish_status(self, obj) -> str:
        if missing_languages(obj, _edited_fields(self.model)):
            return "Missing"
        return "Awaiting review" if obj.spanish_awaiting_review else "Reviewed"


@admin.register(Category)
class CategoryAdmin(TranslatedContentAdmin):
    list_display = ["title", "slug", "order", "published", "question_count", "spanish_status"]
    list_editable = ["order", "published"]
    list_filter = ["published", "spanish_awaiting_review", SpanishTextFilter]
    search_fields = ["title_en", "title_es", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "spanish_awaiting_review", "slug", "order", "published"]
    actions = [publish, unpublish]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, obj: "WithAnnotations[Category, QuestionTotal]") -> int:
        return obj.question_total


@admin.register(Question)
class QuestionAdmin(TranslatedContentAdmin):
    list_display = [
        "question",
        "category",
        "order",
        "published",
        "feature",
        "spanish_status",
        "preview_link",
    ]
    list_display_links = ["question"]
    list_editable = ["order", "published"]
    list_filter = ["category", "published", "feature", "spanish_awaiting_review", SpanishTextFilter]
    list_select_related = ["category"]
    search_fields = ["question_en", "question_es", "answer_en", "answer_es", "slug"]
    prepopulated_fields = {"slug": ["question"]}
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["category", "question", "slug", "answer"]}),
        ("Spanish", {"fields": ["spanish_awaiting_review"]}),
        ("Where it shows", {"fields": ["order", "published", "feature"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj: Question) -> str:
        # Unpublished questions open as a preview that only staff can see (faq.views.question).
        label = "View on site" if obj.is_public else "Preview"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)


@admin.register(RecoveryStage)
class RecoveryStageAdmin(TranslatedContentAdmin):
    list_display = ["title", "order", "published", "spanish_status"]
    list_editable = ["order", "published"]
    list_filter = ["published", "spanish_awaiting_review", SpanishTextFilter]
    search_fields = ["title_en", "title_es", "what_to_expect_en", "what_to_expect_es"]
    fields = ["title", "what_to_expect", "spanish_awaiting_review", "order", "published"]
    actions = [publish, unpublish]


@admin.register(HelpBlock)
class HelpBlockAdmin(TranslatedContentAdmin):
    list_display = ["title", "anchor", "order", "published", "spanish_status", "view_link"]
    list_editable = ["order", "published"]
    list_filter = ["published", "spanish_awaiting_review", SpanishTextFilter]
    search_fields = ["title_en", "title_es", "body_en", "body_es"]
    prepopulated_fields = {"anchor": ["title"]}
    fields = ["title", "anchor", "body", "spanish_awaiting_review", "order", "published"]
    actions = [publish, unpublish]

    def get_readonly_fields(self, request: HttpRequest, obj: HelpBlock | None = None):
        # Other pages and e-mails link to /aftercare/#<anchor>: it stays as it was created.
        return ["anchor"] if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: HelpBlock | None = None):
        return {} if obj is not None else self.prepopulated_fields

    @admin.display(description="On the site")
    def view_link(self, obj: HelpBlock) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words the FAQ search treats as the same; a change applies to the next search."""

    list_display = ["__str__", "language"]
    list_filter = ["language"]
    search_fields = ["terms"]
    fields = ["language", "terms"]


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """What patients searched for and did not find: the words and a count, nothing else.

    Read-only: the counts are written by the search itself.
    """

    list_display = ["words", "count"]
    search_fields = ["words"]
    ordering = ["-count", "words"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
