"""FAQ editing for the "Content editors" group: edit, reorder, publish, preview, revert; the
search's synonyms; and, read-only, the searches that found nothing.

Every model keeps its edit history (django-simple-history), with a revert from the History
page. Publish/unpublish actions save each object in turn rather than with a bulk update, so
that each change is recorded in the history and clears the public page cache (clinic/page_cache.py).
"""

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class QuestionTotal(TypedDict):
        question_total: int


from faq.models import Category, HelpBlock, Question, RecoveryStage, SearchMiss, Synonym


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


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "order", "published", "question_count"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [publish, unpublish]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, obj: "WithAnnotations[Category, QuestionTotal]") -> int:
        return obj.question_total


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ["question", "category", "order", "published", "feature", "preview_link"]
    list_display_links = ["question"]
    list_editable = ["order", "published"]
    list_filter = ["category", "published", "feature"]
    list_select_related = ["category"]
    search_fields = ["question", "answer", "slug"]
    prepopulated_fields = {"slug": ["question"]}
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["category", "question", "slug", "answer"]}),
        ("Where it shows", {"fields": ["order", "published", "feature"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj: Question) -> str:
        # Unpublished questions open as a preview that only staff can see (faq.views.question).
        label = "View on site" if obj.is_public else "Preview"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)


@admin.register(RecoveryStage)
class RecoveryStageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "order", "published"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["title", "what_to_expect"]
    actions = [publish, unpublish]


@admin.register(HelpBlock)
class HelpBlockAdmin(SimpleHistoryAdmin):
    list_display = ["title", "anchor", "order", "published", "view_link"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"anchor": ["title"]}
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

    list_display = ["__str__"]
    search_fields = ["terms"]


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
