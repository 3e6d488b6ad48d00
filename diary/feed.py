"""Each practitioner's private calendar feed: /diary/feed/<feed_token>.ics, which their phone's
calendar app subscribes to. No sign-in: the secret address is the key, and a new one (the
practitioner admin's action) revokes the old. Each event carries the request's reference and
the patient's first name only: never a surname, contact details, the area or health data.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from bookings.models import Appointment, Practitioner
from clinic.selectors import clinic_details
from diary.calendar import first_name

PAST = timedelta(days=30)
AHEAD = timedelta(days=365)


def practitioner_for_token(token: str) -> Practitioner:
    """The practitioner whose feed this is, comparing secrets in constant time (a clinic has
    a handful of practitioners, so each is compared rather than looked up by the secret)."""
    found = None
    for practitioner in Practitioner.objects.only("pk", "name", "feed_token"):
        if hmac.compare_digest(practitioner.feed_token.encode(), token.encode()):
            found = practitioner
    if found is None:
        raise Http404("No such calendar")
    return found


def practitioner_ics(practitioner: Practitioner) -> bytes:
    """Their active appointments from 30 days ago to a year ahead, as an iCalendar file."""
    now = timezone.now()
    clinic = clinic_details()
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic.name}//Diary//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{clinic.name}: {practitioner.name}")
    calendar.add("refresh-interval", timedelta(minutes=30), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT30M")
    appointments = (
        Appointment.objects.filter(
            practitioner=practitioner,
            status__in=Appointment.ACTIVE,
            starts_at__gte=now - PAST,
            starts_at__lt=now + AHEAD,
        )
        .select_related("booking")
        # What the feed shows, and nothing the request holds besides (its answers).
        .only("pk", "starts_at", "ends_at", "sequence", "booking__reference", "booking__full_name")
    )
    for appointment in appointments:
        reference = appointment.booking.reference
        name = first_name(appointment.booking.full_name)
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@clinic")
        event.add("sequence", appointment.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", timezone.localtime(appointment.starts_at))
        event.add("dtend", timezone.localtime(appointment.ends_at))
        event.add("summary", f"{reference} {name}".strip())
        event.add("description", f"Reference {reference}. Patient: {name}.")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    # RFC 5545 wants a VTIMEZONE for the TZID the local times carry.
    calendar.add_missing_timezones()
    return calendar.to_ical()


@require_safe
def practitioner_feed(request: HttpRequest, token: str) -> HttpResponse:
    practitioner = practitioner_for_token(token)
    response = HttpResponse(practitioner_ics(practitioner), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="diary.ics"'
    # Patients' names: kept by no shared cache, and by no browser cache either.
    response["Cache-Control"] = "private, no-store"
    return response
