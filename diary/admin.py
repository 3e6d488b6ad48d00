"""The diary in the admin, for the front desk: each practitioner's weekly working hours and
time off (inlines on the practitioner's page), their private calendar feed, and time off
across practitioners. The calendar itself is diary.calendar (a view of the admin site)."""

from __future__ import annotations

import secrets
from itertools import pairwise

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from bookings.models import Practitioner
from diary.models import TimeOff, Weekday, WorkingHours

TIME_OFF_BACKWARDS = "The time off must end after it starts: check the “to” date and time."
NEW_FEED_ADDRESS = "New calendar feed address (the old one stops working)"


def feed_url(practitioner: Practitioner) -> str:
    """The practitioner's private calendar address: whoever has it can read their diary."""
    return settings.SITE_URL + reverse("diary:feed", args=[practitioner.feed_token])


class WorkingHoursFormSet(BaseInlineFormSet):
    """A day may have several stretches (a break between them), but never two that overlap."""

    def clean(self) -> None:
        super().clean()
        stretches: dict[int, list[tuple]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("weekday") is None or not data.get("start") or not data.get("end"):
                continue
            stretches.setdefault(data["weekday"], []).append((data["start"], data["end"]))
        weekdays = dict(Weekday.choices)
        for weekday, day in sorted(stretches.items()):
            day.sort()
            for (start, end), (next_start, next_end) in pairwise(day):
                if next_start < end:
                    raise forms.ValidationError(
                        f"{weekdays[weekday]}: {start:%H:%M} to {end:%H:%M} and "
                        f"{next_start:%H:%M} to {next_end:%H:%M} overlap. Make one stretch "
                        "end before the next begins."
                    )


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    # "09:00", as the rest of the diary writes times, rather than "09:00:00".
    formfield_overrides = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}
    fields = ("weekday", "start", "end")
    extra = 1
    verbose_name = "working hours"
    verbose_name_plural = "Weekly working hours (add two stretches for a day with a break)"


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ("starts_at", "ends_at", "reason")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", TIME_OFF_BACKWARDS)
        return data


class TimeOffInline(admin.TabularInline):
    """Time off still to come (or under way); what is over is in the time-off list."""

    model = TimeOff
    form = TimeOffForm
    fields = ("starts_at", "ends_at", "reason")
    extra = 1
    verbose_name_plural = "Time off to come"

    def get_queryset(self, request: HttpRequest) -> QuerySet[TimeOff]:
        return super().get_queryset(request).filter(ends_at__gte=timezone.now())


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "user")
    list_filter = ("active",)
    search_fields = ("name",)
    list_select_related = ("user",)
    inlines = (WorkingHoursInline, TimeOffInline)
    fields = ("name", "active", "user", "feed_address")
    readonly_fields = ("feed_address",)
    actions = ("new_feed_address",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Private calendar feed")
    def feed_address(self, practitioner: Practitioner) -> str:
        if practitioner.pk is None:
            return "Shown once the practitioner is saved."
        return format_html(
            "<code data-feed-url>{}</code><br>Give this address only to {}: their phone's "
            "calendar subscribes to it (reference and first name of each appointment, nothing "
            "else). If it reaches anyone else, choose “{}” in the list of practitioners: "
            "this address then stops working.",
            feed_url(practitioner),
            practitioner.name,
            NEW_FEED_ADDRESS,
        )

    @admin.action(description=NEW_FEED_ADDRESS, permissions=["change"])
    def new_feed_address(self, request: HttpRequest, queryset: QuerySet[Practitioner]) -> None:
        count = 0
        for practitioner in queryset:
            practitioner.feed_token = secrets.token_urlsafe()
            practitioner.save(update_fields=["feed_token"])
            count += 1
        self.message_user(
            request,
            f"New calendar feed address for {count} practitioner{'s' if count != 1 else ''}. "
            "The old address no longer works: give them the new one from their page.",
            messages.SUCCESS,
        )


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    form = TimeOffForm
    list_display = ("practitioner", "starts_at", "ends_at", "reason")
    list_filter = ("practitioner",)
    list_select_related = ("practitioner",)
    date_hierarchy = "starts_at"
    # The practitioner is chosen here too (the form's own fields are the inline's three).
    fields = ("practitioner", "starts_at", "ends_at", "reason")
