"""The front desk's workplace in the admin (issue 11): the worklist, the request's page with its
contact log, phone bookings, erasure on request and the staff home page.

SPEC.md, "Staff": the worklist opens on what needs doing, oldest first; the patient's own entries
are read-only; the contact log is append-only; phone bookings go through the same screener and
rules; an erasure leaves a record with nothing personal; the home page counts what needs doing.
"""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from bookings.models import BookingRequest, ContactLogEntry, ErasureRecord, Message
from bookings.services import patient_data_erase
from bookings.worklist import overdue_before, waited_in_words, working_days_between
from screener.models import Screening
from tests.booking_helpers import answers
from tests.screener_answers import ELIGIBLE_ANSWERS
from tests.staff_helpers import verified_login
from tests.test_booking_admin import change_url, form_data, make_booking, staff_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:bookings_bookingrequest_changelist")
PHONE = reverse("admin:bookings_bookingrequest_phone")
PHONE_DETAILS = reverse("admin:bookings_bookingrequest_phone_details")
ERASE = reverse("admin:bookings_bookingrequest_erase")
# A Thursday, in the clinic's time zone.
THURSDAY = date(2026, 3, 12)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def aged(booking: BookingRequest, created: datetime, **changes) -> BookingRequest:
    BookingRequest.objects.filter(pk=booking.pk).update(created_at=created, **changes)
    booking.refresh_from_db()
    return booking


def listed(response) -> list[str]:
    """The references on a change list page, in their order."""
    return [booking.reference for booking in response.context["cl"].result_list]


@pytest.fixture
def desk_user(django_user_model):
    return staff_in("Front desk", django_user_model, "desk")


@pytest.fixture
def front_desk(client, desk_user):
    verified_login(client, desk_user)
    return client


@pytest.fixture
def content_editor(client, django_user_model):
    verified_login(client, staff_in("Content editors", django_user_model, "editor"))
    return client


# --- Reply promise: working days ------------------------------------------------------------------


def test_working_days_skip_the_weekend():
    friday = date(2026, 3, 13)
    assert working_days_between(friday, friday) == 0
    assert working_days_between(friday, date(2026, 3, 16)) == 1  # Monday
    assert working_days_between(date(2026, 3, 14), date(2026, 3, 17)) == 2  # Saturday → Tuesday
    assert working_days_between(date(2026, 3, 9), THURSDAY) == 3


def test_wait_in_words_says_when_the_reply_is_due_and_overdue():
    assert waited_in_words(at(THURSDAY), THURSDAY) == "0 days"
    assert waited_in_words(at(date(2026, 3, 11)), THURSDAY) == "1 day"
    assert waited_in_words(at(date(2026, 3, 10)), THURSDAY) == "2 days — due today"
    assert waited_in_words(at(date(2026, 3, 9)), THURSDAY) == "3 days — overdue"


def test_overdue_cutoff_agrees_with_the_wait_in_words():
    """Requests made before the cutoff are exactly those the worklist calls overdue."""
    for today in (date(2026, 3, 9) + timedelta(days=n) for n in range(7)):
        cutoff = overdue_before(today)
        for back in range(10):
            made = at(today - timedelta(days=back))
            assert (made < cutoff) == waited_in_words(made, today).endswith("overdue"), (
                today,
                back,
            )


# --- The worklist -------------------------------------------------------------------------------


def test_worklist_opens_on_new_and_needing_attention_oldest_first(front_desk):
    now = timezone.now()
    newest = aged(make_booking(), now - timedelta(hours=1))
    oldest = aged(make_booking(), now - timedelta(days=5))
    attention = aged(make_booking(), now - timedelta(days=3), status="contacted")
    attention = aged(attention, attention.created_at, needs_attention=True)
    done = aged(make_booking(), now - timedelta(days=9), status="contacted")

    response = front_desk.get(CHANGELIST)
    assert listed(response) == [oldest.reference, attention.reference, newest.reference]

    everything = front_desk.get(CHANGELIST, {"show": "all"})
    assert listed(everything) == [
        done.reference,
        oldest.reference,
        attention.reference,
        newest.reference,
    ]


def test_a_search_or_another_filter_looks_through_every_request(front_desk):
    done = make_booking(full_name="Ada Done", phone="207 555 0123")
    BookingRequest.objects.filter(pk=done.pk).update(status="declined")
    assert listed(front_desk.get(CHANGELIST, {"q": "555 0123"})) == [done.reference]
    assert listed(front_desk.get(CHANGELIST, {"status__exact": "declined"})) == [done.reference]


def test_worklist_columns_show_the_wait_against_the_reply_promise(front_desk, time_machine):
    time_machine.move_to(at(THURSDAY, 12))
    booking = aged(make_booking(answers(cold_sores=True)), at(date(2026, 3, 9)))
    html = front_desk.get(CHANGELIST).content.decode()
    assert "3 days — overdue" in html
    assert booking.phone in html
    assert "Face and neck" in html
    assert "Antiviral: needed" in html


def test_worklist_query_count_does_not_grow_with_the_rows(front_desk):
    """No query per row: the same number for 2 requests as for 12."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert front_desk.get(CHANGELIST).status_code == 200
        return len(captured)

    for _ in range(2):
        make_booking(answers(cold_sores=True))
    few = queries()
    for _ in range(10):
        make_booking()
    assert queries() == few


def test_email_failed_condition_and_outcome_filters(front_desk):
    failed = make_booking()
    Email.objects.filter(clinic_message__booking=failed).update(status=STATUS.failed)
    conditional = make_booking(answers(cold_sores=True))
    arranged = make_booking(answers(cold_sores=True))
    BookingRequest.objects.filter(pk=arranged.pk).update(antiviral_prophylaxis_arranged=True)

    response = front_desk.get(CHANGELIST, {"email_failed": "yes"})
    assert listed(response) == [failed.reference]
    assert 'alt="True"' in response.content.decode()
    assert listed(front_desk.get(CHANGELIST, {"condition": "needed"})) == [conditional.reference]
    assert listed(front_desk.get(CHANGELIST, {"condition": "arranged"})) == [arranged.reference]
    assert listed(front_desk.get(CHANGELIST, {"outcome": "eligible"})) == [failed.reference]


def test_outcome_filter_offers_only_outcomes_a_request_can_have(front_desk):
    """ "Not suitable online" can never book, so it is not offered (it could never match)."""
    spec = next(
        spec
        for spec in front_desk.get(CHANGELIST).context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "outcome"
    )
    assert [value for value, _label in spec.lookup_choices] == [
        "eligible",
        "eligible_with_conditions",
        "deferred",
    ]


def test_status_changes_from_the_list_with_an_action(front_desk):
    first, second, untouched = make_booking(), make_booking(), make_booking()
    response = front_desk.post(
        CHANGELIST,
        {"action": "mark_contacted", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    statuses = dict(BookingRequest.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "contacted", second.pk: "contacted", untouched.pk: "new"}


def test_scheduling_is_not_an_action_of_the_list(front_desk):
    """Scheduling needs an appointment and the checklist: only on the request's own page."""
    actions = dict(front_desk.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert "mark_contacted" in actions
    assert not any("schedul" in name for name in actions)


def test_csv_export_has_the_selected_requests_and_no_health_answers(front_desk):
    booking = make_booking(
        answers(cold_sores=True, isotretinoin_date=timezone.localdate() - timedelta(days=400)),
        full_name="=HYPERLINK(1)",
    )
    response = front_desk.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [booking.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["reference"] == booking.reference
    assert record["email"] == "jane@example.com"
    assert record["area"] == "Face and neck"
    assert record["status"] == "New"
    # A cell a spreadsheet would run as a formula is quoted.
    assert record["full_name"] == "'=HYPERLINK(1)"
    for health in ("cold", "antiviral", "isotretinoin", "eligible", "outcome", "reason", "answers"):
        assert health not in text.lower(), health


def test_content_editors_cannot_see_or_export_the_worklist(content_editor):
    booking = make_booking()
    assert content_editor.get(CHANGELIST).status_code == 403
    response = content_editor.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [booking.pk]}
    )
    assert response.status_code == 403


# --- The request's page: read-only entries, staff notes, the contact log ----------------------


def test_patient_entries_are_read_only_and_staff_notes_are_not(front_desk):
    booking = make_booking()
    html = front_desk.get(change_url(booking)).content.decode()
    for name in ("full_name", "email", "phone", "preferred_date", "preferred_time", "notes"):
        assert f'name="{name}"' not in html, name
    assert "Jane Example" in html
    assert 'name="staff_notes"' in html

    response = front_desk.post(
        change_url(booking),
        form_data(booking, full_name="Someone Else", email="x@evil.test", staff_notes="Call pm"),
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.full_name, booking.email) == ("Jane Example", "jane@example.com")
    assert booking.staff_notes == "Call pm"


def log_form(entries: int = 0, **rows) -> dict:
    data = {"contact_log-TOTAL_FORMS": str(entries + 1), "contact_log-INITIAL_FORMS": str(entries)}
    data.update(rows)
    return data


def test_contact_log_entry_records_who_and_when(front_desk, desk_user, time_machine):
    time_machine.move_to(at(THURSDAY, 11), tick=False)
    booking = make_booking()
    data = form_data(booking) | log_form(
        **{
            "contact_log-0-what": "left_message",
            "contact_log-0-note": "Voicemail",
            "contact_log-0-who": "999",  # ignored: who is always the member of staff
            "contact_log-0-when": "2020-01-01 00:00",
        }
    )
    assert front_desk.post(change_url(booking), data).status_code == 302
    entry = ContactLogEntry.objects.get()
    assert (entry.booking, entry.who, entry.what, entry.note) == (
        booking,
        desk_user,
        "left_message",
        "Voicemail",
    )
    assert entry.when == at(THURSDAY, 11)


def test_contact_log_is_append_only(front_desk, desk_user):
    booking = make_booking()
    entry = ContactLogEntry.objects.create(booking=booking, who=desk_user, what="called")
    html = front_desk.get(change_url(booking)).content.decode()
    assert 'name="contact_log-0-what"' not in html  # the existing entry is shown, not a field
    assert 'name="contact_log-0-DELETE"' not in html
    assert 'name="contact_log-1-what"' in html  # a new one can be added

    data = form_data(booking) | log_form(
        1,
        **{
            "contact_log-0-id": str(entry.pk),
            "contact_log-0-booking": str(booking.pk),
            "contact_log-0-what": "no_answer",
            "contact_log-0-note": "changed",
            "contact_log-0-DELETE": "on",
            "contact_log-1-what": "",
        },
    )
    assert front_desk.post(change_url(booking), data).status_code == 302
    entry.refresh_from_db()
    assert (entry.what, entry.note) == ("called", "")
    assert ContactLogEntry.objects.count() == 1


# --- Phone bookings -----------------------------------------------------------------------------


def phone_details(**changes) -> dict:
    data = {
        "full_name": "Pat Phone",
        "email": "pat@example.com",
        "phone": "207 555 0111",
        "preferred_date": (timezone.localdate() + timedelta(days=9)).isoformat(),
        "preferred_time": "morning",
        "notes": "",
        "consent": "on",
    }
    data.update(changes)
    return data


def test_phone_booking_refuses_a_patient_with_keloid_history(front_desk):
    response = front_desk.post(PHONE, {**ELIGIBLE_ANSWERS, "keloid": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This patient cannot book: Not suitable online" in html
    assert "keloid" in html
    # The screening is recorded, anonymously, like any other; nothing can be booked from it.
    assert Screening.objects.get().outcome == "not_suitable"
    assert front_desk.get(PHONE_DETAILS).status_code == 302
    assert front_desk.post(PHONE_DETAILS, phone_details()).status_code == 302
    assert not BookingRequest.objects.exists()


def test_phone_booking_saves_an_eligible_patient_like_an_online_request(
    front_desk, desk_user, settings
):
    response = front_desk.post(PHONE, {**ELIGIBLE_ANSWERS, "cold_sores": "yes"})
    assert response.status_code == 302
    assert response["Location"] == PHONE_DETAILS
    assert "Eligible with conditions" in front_desk.get(PHONE_DETAILS).content.decode()

    response = front_desk.post(PHONE_DETAILS, phone_details())
    booking = BookingRequest.objects.get()
    assert response["Location"] == change_url(booking)
    assert (booking.full_name, booking.email, booking.outcome) == (
        "Pat Phone",
        "pat@example.com",
        "eligible_with_conditions",
    )
    assert booking.needs_antiviral_prophylaxis
    assert booking.taken_by_phone and booking.taken_by == desk_user
    assert booking.screening == Screening.objects.get()
    assert booking.answers["cold_sores"] is True
    outbox = {m.kind: m.email.to for m in Message.objects.filter(booking=booking)}
    assert outbox == {
        "booking_received": ["pat@example.com"],
        "new_request": [settings.CLINIC_EMAIL],
    }
    # The step is used up: the same screening cannot make a second request.
    assert front_desk.get(PHONE_DETAILS).status_code == 302


def test_phone_booking_keeps_the_online_date_rules(front_desk):
    front_desk.post(PHONE, ELIGIBLE_ANSWERS)
    response = front_desk.post(
        PHONE_DETAILS, phone_details(preferred_date=timezone.localdate().isoformat())
    )
    assert response.status_code == 200
    assert "Preferred date must be after today" in response.content.decode()
    assert not BookingRequest.objects.exists()


def test_phone_booking_refuses_an_address_our_mail_would_not_deliver(front_desk):
    """The error beside the e-mail field, everything else the front desk typed kept."""
    front_desk.post(PHONE, ELIGIBLE_ANSWERS)
    response = front_desk.post(PHONE_DETAILS, phone_details(email='"pat,phone"@example.com'))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "email": ["Enter an email address in the correct format, like name@example.com"]
    }
    html = response.content.decode()
    assert 'value="Pat Phone"' in html and 'value="207 555 0111"' in html
    assert not BookingRequest.objects.exists()


def test_phone_booking_needs_the_add_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x-very-long-password-1")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_bookingrequest"))
    verified_login(client, viewer)
    assert client.get(PHONE).status_code == 403
    assert client.post(PHONE, ELIGIBLE_ANSWERS).status_code == 403
    assert client.get(PHONE_DETAILS).status_code == 403
    assert "Take a request by phone" not in client.get(CHANGELIST).content.decode()
    assert not Screening.objects.exists()


def test_content_editors_cannot_take_phone_bookings(content_editor):
    assert content_editor.get(PHONE).status_code == 403


# --- Erasure ----------------------------------------------------------------------------------


def a_patient_with_history(desk_user) -> list[BookingRequest]:
    first = make_booking(email="Kim@Example.com", full_name="Kim Erase")
    second = make_booking(email="kim@example.COM", full_name="Kim Erase")
    ContactLogEntry.objects.create(booking=first, who=desk_user, what="called", note="Kim")
    BookingRequest.objects.filter(pk=first.pk).update(staff_notes="Prefers mornings")
    return [first, second]


def test_erasure_action_asks_first_then_removes_everything_of_the_patient(front_desk, desk_user):
    first, _second = a_patient_with_history(desk_user)
    other = make_booking(email="someone@else.test")
    request = {"action": "erase_patients", "_selected_action": [first.pk]}

    confirmation = front_desk.post(CHANGELIST, request)
    assert confirmation.status_code == 200
    assert "Everything kept about kim@example.com" in confirmation.content.decode()
    assert BookingRequest.objects.count() == 3  # nothing deleted yet

    response = front_desk.post(CHANGELIST, {**request, "post": "yes"})
    assert response.status_code == 302
    assert list(BookingRequest.objects.all()) == [other]
    assert list(Screening.objects.all()) == [other.screening]
    assert set(Email.objects.values_list("clinic_message__booking", flat=True)) == {other.pk}
    assert not ContactLogEntry.objects.exists()
    record = ErasureRecord.objects.get()
    assert (record.requests, record.screenings, record.messages, record.contact_log_entries) == (
        2,
        2,
        4,
        1,
    )
    assert record.erased_by == desk_user


def test_erasure_record_holds_nothing_personal(desk_user):
    a_patient_with_history(desk_user)
    record = patient_data_erase(email="KIM@example.com", by=desk_user)
    stored = " ".join(
        str(getattr(record, field.attname)) for field in ErasureRecord._meta.concrete_fields
    ).lower()
    for personal in ("kim", "example.com", "mornings", "207"):
        assert personal not in stored


def test_erasure_by_address_also_removes_mail_not_tied_to_a_request(front_desk, desk_user):
    a_patient_with_history(desk_user)
    from bookings.emails import queue_email

    queue_email(
        kind=Message.Kind.CAN_BOOK,
        to="kim@example.com",
        template="booking_patient",
        context={"reference": "X", "preferred_date": THURSDAY, "preferred_time": "morning"},
    )
    confirmation = front_desk.post(ERASE, {"email": "KIM@EXAMPLE.COM"})
    assert confirmation.status_code == 200
    assert BookingRequest.objects.count() == 2
    response = front_desk.post(ERASE, {"email": "KIM@EXAMPLE.COM", "post": "yes"})
    assert response.status_code == 302
    assert not BookingRequest.objects.exists()
    assert not Email.objects.exists()
    assert ErasureRecord.objects.get().messages == 5


def test_erasure_needs_its_permission(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="x-very-long-password-1")
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_bookingrequest", "change_bookingrequest"])
    )
    verified_login(client, clerk)
    booking = make_booking()
    assert client.get(ERASE).status_code == 403
    assert client.post(ERASE, {"email": booking.email, "post": "yes"}).status_code == 403
    response = client.post(
        CHANGELIST,
        {"action": "erase_patients", "_selected_action": [booking.pk], "post": "yes"},
    )
    assert BookingRequest.objects.filter(pk=booking.pk).exists()
    assert response.status_code in (200, 302)
    assert not ErasureRecord.objects.exists()


# --- The staff home page ----------------------------------------------------------------------


def metric(html: str, name: str) -> int:
    marker = f'data-metric="{name}">'
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


def test_staff_home_counts_what_needs_doing(front_desk, time_machine):
    time_machine.move_to(at(THURSDAY, 12))
    new_today = make_booking()
    overdue = aged(make_booking(), at(date(2026, 3, 9)))  # Monday: 3 working days
    due_today = aged(make_booking(), at(date(2026, 3, 10)))
    attention = make_booking()
    BookingRequest.objects.filter(pk=attention.pk).update(status="contacted", needs_attention=True)
    Email.objects.filter(clinic_message__booking=due_today).update(status=STATUS.requeued)
    this_week = make_booking()
    BookingRequest.objects.filter(pk=this_week.pk).update(
        status="scheduled", appointment_at=at(date(2026, 3, 14), 9)
    )
    next_week = make_booking()
    BookingRequest.objects.filter(pk=next_week.pk).update(
        status="scheduled", appointment_at=at(date(2026, 3, 16), 9)
    )
    cancelled = make_booking()
    BookingRequest.objects.filter(pk=cancelled.pk).update(
        status="cancelled", appointment_at=at(date(2026, 3, 13), 9)
    )
    assert new_today and overdue

    html = front_desk.get(reverse("admin:index")).content.decode()
    assert metric(html, "new") == 3
    assert metric(html, "attention") == 1
    assert metric(html, "overdue") == 1
    assert metric(html, "failed_email") == 1
    assert metric(html, "week") == 1


def test_staff_home_charts_come_with_their_tables(front_desk, time_machine):
    time_machine.move_to(at(THURSDAY, 12))
    make_booking()  # an eligible screening that became a request
    booked = make_booking()
    BookingRequest.objects.filter(pk=booked.pk).update(
        status="scheduled", appointment_at=at(date(2026, 3, 20), 9)
    )
    Screening.objects.create(area="hands", outcome="deferred", reasons="pregnant")
    Screening.objects.create(area="hands", outcome="deferred", reasons="pregnant,infection")
    Screening.objects.create(
        area="hands", outcome="not_suitable", reasons="keloid", completed_on=THURSDAY
    )
    Screening.objects.create(
        area="hands", outcome="eligible", completed_on=THURSDAY - timedelta(weeks=20)
    )

    response = front_desk.get(reverse("admin:index"))
    html = response.content.decode()
    for chart in ("weeks", "deferrals", "conversion"):
        assert f'data-chart="{chart}"' in html
    assert 'data-conversion="screenings">5<' in html
    assert 'data-conversion="requests">2<' in html
    assert 'data-conversion="appointments">1<' in html
    assert '<th scope="row">Pregnant or breastfeeding</th><td>2</td>' in html
    week = "<td>2</td><td>0</td><td>2</td><td>1</td><td>5</td>"  # by outcome, then the total
    assert f'<th scope="row">Mar 9, 2026</th>{week}' in html
    assert 'style="' not in html.split('id="content"')[1]  # the CSP forbids inline styles


def test_content_editors_see_no_booking_figures(content_editor):
    make_booking()
    html = content_editor.get(reverse("admin:index")).content.decode()
    assert "data-metric" not in html
    assert "data-chart" not in html


def test_front_desk_and_superusers_see_the_figures(front_desk, admin_client):
    for client in (front_desk, admin_client):
        html = client.get(reverse("admin:index")).content.decode()
        assert 'data-metric="new"' in html
        assert 'data-chart="conversion"' in html


def test_screening_viewers_without_requests_see_charts_but_no_request_counts(
    client, django_user_model
):
    analyst = django_user_model.objects.create_user("analyst", password="x-very-long-password-1")
    analyst.is_staff = True
    analyst.save()
    analyst.user_permissions.add(Permission.objects.get(codename="view_screening"))
    verified_login(client, analyst)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'data-chart="weeks"' in html
    assert "data-metric" not in html
    assert 'data-chart="conversion"' not in html


def test_front_desk_group_still_exists_with_its_new_permissions():
    group = Group.objects.get(name="Front desk")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_bookingrequest", "add_contactlogentry", "add_erasurerecord"} <= codenames
