"""The worklist's filters."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from bookings.models import BookingRequest
from screener.eligibility import Outcome
from screener.labels import OUTCOME_LABELS

# A request can only come from a screening that may book (Result.may_book): "not suitable"
# never reaches a request, so the outcome filter does not offer it.
REQUEST_OUTCOMES = (Outcome.ELIGIBLE, Outcome.ELIGIBLE_WITH_CONDITIONS, Outcome.DEFERRED)


class WorklistFilter(admin.SimpleListFilter):
    """Opens on what needs doing (new, or needing attention). Another filter or a search
    looks through every request, unless "To do" is chosen with it."""

    title = "worklist"
    parameter_name = "show"

    def __init__(self, request, params, model, model_admin) -> None:
        others = any(name != self.parameter_name for name in params)
        self.default = "all" if others or request.GET.get(SEARCH_VAR) else "todo"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("todo", "To do: new or needing attention"), ("all", "All requests")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if (self.value() or self.default) == "todo":
            return queryset.filter(Q(status=BookingRequest.Status.NEW) | Q(needs_attention=True))
        return queryset

    def choices(self, changelist):
        current = self.value() or self.default
        for value, title in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }


class EmailFailedFilter(admin.SimpleListFilter):
    title = "e-mail failed"
    parameter_name = "email_failed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(email_failed=self.value() == "yes")
        return queryset


class ConditionFilter(admin.SimpleListFilter):
    title = "condition"
    parameter_name = "condition"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("needed", "Needed (not arranged)"), ("arranged", "Arranged"), ("none", "None")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        needed = Q(needs_antiviral_prophylaxis=True)
        return {
            "needed": lambda: queryset.filter(needed, antiviral_prophylaxis_arranged=False),
            "arranged": lambda: queryset.filter(needed, antiviral_prophylaxis_arranged=True),
            "none": lambda: queryset.exclude(needed),
        }.get(self.value() or "", lambda: queryset)()


class OutcomeFilter(admin.SimpleListFilter):
    title = "screening outcome"
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(str(outcome), OUTCOME_LABELS[outcome]) for outcome in REQUEST_OUTCOMES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(outcome=self.value())
        return queryset
