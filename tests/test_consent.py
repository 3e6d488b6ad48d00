"""Informed consent: the versions, signing online from the appointment link, the printable
copy and its e-mail, the reminder's link, the 24-hour flag, paper consent, and who sees what.

SPEC.md, "Patients, consent and treatment records". The clock is frozen in the clinic's time
zone (America/New_York), as in tests/test_appointments.py.
"""

import io
import json
import logging
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from post_office.models import Email

from bookings.appointments import appointment_schedule, appointment_token
from bookings.models import BookingRequest, Message
from bookings.services import patient_data_erase
from clinic.logging import JsonFormatter, ScrubRequestFilter
from patients.consent import (
    consent_entries,
    consent_needed,
    consent_version_publish,
    current_signature,
    paper_consent_record,
    unsigned_consents_flag,
)
from patients.models import ConsentSignature, ConsentVersion, Patient, consent_text_hash
from tests.appointment_helpers import (  # noqa: F401 (fixture)
    change_url,
    links_in,
    make_booking,
    outbox_keeps_the_test_transaction,
    send_due,
    sent_with,
)
from tests.staff_helpers import verified_login

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("outbox_keeps_the_test_transaction"),
]

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=NY)  # a Monday
NAME = "Jane Q. Example"
# Words of the seeded text that no page or e-mail outside the consent may carry.
CONSENT_WORDS = ("pinpoint bleeding", "benzoyl peroxide", "withdraw my consent")


@pytest.fixture(autouse=True)
def _clock(time_machine, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(NOW, tick=False)


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def scheduled(when: datetime | None = None, **details) -> BookingRequest:
    """A request scheduled by the front desk (the diary places it), by default on March 20."""
    return appointment_schedule(
        booking=make_booking(**details), appointment_at=when or at(2026, 3, 20)
    )


def consent_url(booking: BookingRequest, page: str = "") -> str:
    booking.refresh_from_db()
    return f"/appointment/{appointment_token(booking)}/consent/{page}"


def current() -> ConsentVersion:
    version = ConsentVersion.objects.current()
    assert version is not None
    return version


def sign(client: Client, booking: BookingRequest, **changes):
    data = {"signature": NAME, "agree": "on", "shown": consent_text_hash(current().text_html)}
    data.update(changes)
    return client.post(consent_url(booking), {k: v for k, v in data.items() if v is not None})


def new_version(text: str = "## What microneedling is\n\nThe new text.") -> ConsentVersion:
    draft = ConsentVersion.objects.create(label="Next", text=text)
    return consent_version_publish(version=draft)


def staff_client(group: str, django_user_model, username: str) -> Client:
    user = django_user_model.objects.create_user(username, password="x-very-long-password-1")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    verified_login(client, user)
    return client


@pytest.fixture
def front_desk(django_user_model):
    return staff_client("Front desk", django_user_model, "desk")


@pytest.fixture
def clinician(django_user_model):
    return staff_client("Clinicians", django_user_model, "doctor")


@pytest.fixture
def editor(django_user_model):
    return staff_client("Content editors", django_user_model, "editor")


# --- The seeded version -----------------------------------------------------------------------


def test_the_seeded_first_version_is_published_awaiting_review_with_every_section():
    version = current()
    assert version.number == 1
    assert version.is_published and version.awaiting_clinic_review
    html = version.text_html
    for heading in (
        "What microneedling is",
        "What happens on the day",
        "What it can and cannot do",
        "Risks and side effects",
        "Your aftercare: what you agree to do",
        "Other choices",
        "What you confirm by signing",
    ):
        assert f"<h3>{heading}</h3>" in html, heading
    for risk in (
        "redness",
        "swelling",
        "pinpoint bleeding",
        "bruising",
        "infection",
        "cold sores",
        "skin color",
        "scarring",
    ):
        assert risk in html, risk
    for alternative in ("not to have any treatment", "skin care", "chemical peels", "laser"):
        assert alternative in html
    assert "withdraw my consent at any time" in html
    assert "<script" not in html


# --- When consent is needed -------------------------------------------------------------------


def test_consent_is_needed_before_the_first_treatment_and_not_once_signed(client):
    booking = scheduled()
    assert consent_needed(booking.patient, date(2026, 3, 20))
    sign(client, booking)
    assert not consent_needed(booking.patient, date(2026, 3, 20))
    assert current_signature(booking.patient) is not None


def test_consent_is_needed_again_12_months_after_signing(client):
    booking = scheduled()
    sign(client, booking)
    patient = booking.patient
    assert not consent_needed(patient, date(2027, 3, 1))
    assert consent_needed(patient, date(2027, 3, 2))  # 12 months to the day
    assert current_signature(patient, date(2027, 3, 2)) is None


def test_publishing_a_new_version_leaves_every_signature_as_it_was_and_asks_again(client):
    booking = scheduled()
    sign(client, booking)
    signature = ConsentSignature.objects.get()
    before = (signature.version_id, signature.text_html, signature.text_sha256, signature.signed_at)

    version = new_version()
    signature.refresh_from_db()
    assert (
        signature.version_id,
        signature.text_html,
        signature.text_sha256,
        signature.signed_at,
    ) == before
    assert signature.text_matches
    assert current() == version
    assert consent_needed(booking.patient, date(2026, 3, 20))


def test_without_a_published_version_nothing_is_asked():
    booking = scheduled()
    ConsentVersion.objects.update(published_at=None)
    assert not consent_needed(booking.patient, date(2026, 3, 20))


def test_an_older_draft_is_never_published_over_a_newer_version():
    older = ConsentVersion.objects.create(label="Older draft", text="Old")
    new_version()
    with pytest.raises(ValueError, match="newer"):
        consent_version_publish(version=older)


# --- A published version never changes ------------------------------------------------------


def test_a_published_version_refuses_any_change_to_its_text():
    version = current()
    version.text += "\n\nOne more line."
    with pytest.raises(ValidationError):
        version.full_clean()
    with pytest.raises(ValidationError):
        version.save()
    version.refresh_from_db()
    version.awaiting_clinic_review = False  # the review flag alone may change
    version.save()


def test_a_draft_is_edited_freely_and_rendered_safely():
    draft = ConsentVersion.objects.create(label="Draft", text="Hello <script>x()</script>")
    assert draft.number == 2 and not draft.is_published
    assert "<script" not in draft.text_html
    draft.text = "## Risks\n\n- redness"
    draft.save()
    assert "<h3>Risks</h3>" in draft.text_html


def test_a_signature_never_changes_once_made(client):
    booking = scheduled()
    sign(client, booking)
    signature = ConsentSignature.objects.get()
    signature.signed_name = "Someone Else"
    with pytest.raises(ValidationError):
        signature.save()


# --- Signing online ---------------------------------------------------------------------------


def test_signing_online_keeps_version_exact_text_and_its_hash_name_time_and_method(client):
    booking = scheduled()
    page = client.get(consent_url(booking)).content.decode()
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', page).group(1)
    assert current().text_html in page  # the whole text

    response = sign(client, booking, signature="  Jane   Q.  Example ")
    assert response.status_code == 302
    assert response["Location"] == consent_url(booking)
    signature = ConsentSignature.objects.get()
    assert signature.patient == booking.patient
    assert signature.version == current()
    assert signature.text_html == current().text_html
    assert signature.text_sha256 == shown == consent_text_hash(signature.text_html)
    assert signature.text_matches
    assert signature.signed_name == NAME  # spaces tidied
    assert signature.signed_at == NOW
    assert signature.method == "online"
    assert signature.recorded_by is None
    assert signature.appointment == booking.appointments.get()


def test_after_signing_the_page_says_signed_and_links_to_the_copy(client):
    booking = scheduled()
    page = client.get(sign(client, booking)["Location"]).content.decode()
    assert 'data-consent="signed"' in page
    assert consent_url(booking, "signed/") in page
    assert 'name="signature"' not in page  # no second signature asked for
    assert "March 2, 2026" in page


def test_the_copy_is_exactly_what_was_signed_with_name_time_and_version(client):
    booking = scheduled()
    sign(client, booking)
    signature = ConsentSignature.objects.get()
    # Even if the version's row were altered behind the admin's back, the copy is the record's.
    ConsentVersion.objects.filter(pk=signature.version_id).update(text_html="<p>Altered</p>")
    page = client.get(consent_url(booking, "signed/")).content.decode()
    assert signature.text_html in page
    assert "Altered" not in page
    assert NAME in page
    assert "March 2, 2026, 12:00 PM" in page
    assert "Version 1" in page
    assert signature.text_sha256 in page


def test_the_copy_without_a_signature_leads_to_the_form(client):
    booking = scheduled()
    response = client.get(consent_url(booking, "signed/"))
    assert response.status_code == 302
    assert response["Location"] == consent_url(booking)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"signature": ""}, "signature", "Type your full name to sign the consent form"),
        ({"signature": "    "}, "signature", "Type your full name to sign the consent form"),
        ({"signature": "J"}, "signature", "at least 2 letters"),
        ({"signature": "1 ."}, "signature", "at least 2 letters"),
        ({"signature": "x" * 201}, "signature", "200 characters or fewer"),
        ({"signature": "Jane\x07Example"}, "signature", "letters, spaces and punctuation"),
        ({"signature": "Jane\u202eExample"}, "signature", "letters, spaces and punctuation"),
        ({"agree": None}, "agree", "Tick the box to say you have read the consent form"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_the_rest_kept(client, changes, field, message):
    booking = scheduled()
    response = sign(client, booking, **changes)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert message in page
    assert f'id="error_1_id_{field}"' in page  # beside the field
    if field == "agree":
        assert f'value="{NAME}"' in page  # the typed name kept
    assert not ConsentSignature.objects.exists()


def test_a_version_published_while_reading_is_never_signed_unread(client):
    booking = scheduled()
    old_hash = consent_text_hash(current().text_html)
    version = new_version()
    response = sign(client, booking, shown=old_hash)
    page = response.content.decode()
    assert "updated while you were reading it" in page
    assert 'href="#consent-text"' in page
    assert f'value="{NAME}"' in page
    assert f'name="shown" value="{consent_text_hash(version.text_html)}"' in page
    assert not ConsentSignature.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"signature": ["a", "b"], "agree": ["on", "off"], "shown": ["x", "y"]},
        {"signature": "\ufffd\u200b", "agree": "on"},
        {"signature": "é" * 10_000, "agree": "yes", "shown": "\x00"},
        {"agree": "on", "shown": "z" * 5000},
    ],
)
def test_junk_never_gets_a_500(client, data):
    booking = scheduled()
    response = client.post(consent_url(booking), data)
    assert response.status_code in (200, 400)
    assert not ConsentSignature.objects.exists()


def test_a_dead_link_is_the_gone_page_and_a_bad_one_a_404(client, time_machine):
    booking = scheduled()
    url = consent_url(booking)
    assert client.get(url.replace("/consent/", "x/consent/")).status_code == 404
    time_machine.move_to(at(2026, 3, 21, 0, 1), tick=False)
    for page in ("", "signed/"):
        response = client.get(url + page)
        assert response.status_code == 410
        assert b'data-link-gone="expired"' in response.content
    assert client.post(url, {"signature": NAME, "agree": "on"}).status_code == 410


def test_signing_needs_csrf(client):
    booking = scheduled()
    strict = Client(enforce_csrf_checks=True)
    assert sign(strict, booking).status_code == 403
    assert not ConsentSignature.objects.exists()


def test_signing_is_rate_limited_like_the_other_patient_forms(client, settings):
    settings.BOOKING_RATE_LIMIT = "2/m"
    booking = scheduled()
    statuses = [sign(client, booking, agree=None).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_appointment_page_says_whether_consent_is_signed(client):
    booking = scheduled()
    url = f"/appointment/{appointment_token(booking)}/"
    page = client.get(url).content.decode()
    assert 'data-consent-status="unsigned"' in page
    assert consent_url(booking) in page
    sign(client, booking)
    page = client.get(url).content.decode()
    assert 'data-consent-status="signed"' in page
    assert consent_url(booking, "signed/") in page


def test_signing_again_after_a_new_version_says_why(client):
    booking = scheduled()
    sign(client, booking)
    new_version()
    page = client.get(consent_url(booking)).content.decode()
    assert 'data-consent="again"' in page
    assert "signed an earlier version" in page
    sign(client, booking)
    assert ConsentSignature.objects.count() == 2


# --- E-mails ------------------------------------------------------------------------------------


def test_the_confirmation_email_links_to_the_copy_and_holds_nothing_signed(client):
    booking = scheduled()
    send_due()
    mail.outbox.clear()
    sign(client, booking)
    assert Message.objects.filter(booking=booking, kind=Message.Kind.CONSENT_SIGNED).count() == 1
    send_due()
    (message,) = sent_with("consent form is signed")
    assert links_in(message, "/consent/signed/") == [consent_url(booking, "signed/")]
    assert "/stop/" not in message.body  # a reply to the patient's own action
    assert "List-Unsubscribe" not in message.extra_headers
    assert NAME not in message.body and NAME not in message.subject
    for words in CONSENT_WORDS:
        assert words not in message.body


def test_the_reminder_links_to_consent_while_unsigned_and_not_once_signed(client, time_machine):
    unsigned = scheduled(at(2026, 3, 20))
    signed = scheduled(at(2026, 3, 20, 14), email="ann@example.com", full_name="Ann Other")
    sign(client, signed)
    time_machine.move_to(at(2026, 3, 18, 14), tick=False)
    send_due()
    by_address = {m.to[0]: m for m in sent_with("has anything changed")}
    (link,) = links_in(by_address["jane@example.com"], "/consent/")
    assert b'name="signature"' in client.get(link).content
    assert unsigned.reference in by_address["jane@example.com"].body
    assert links_in(by_address["ann@example.com"], "/consent/") == []
    for message in by_address.values():
        for words in CONSENT_WORDS:
            assert words not in message.body


def test_a_new_version_puts_the_link_back_in_the_waiting_reminders(client, time_machine):
    booking = scheduled()
    sign(client, booking)
    reminder = Email.objects.get(clinic_message__kind=Message.Kind.RECHECK_REMINDER)
    assert "/consent/" not in reminder.message
    new_version()
    reminder.refresh_from_db()
    assert consent_url(booking) in reminder.message
    assert "/stop/" in reminder.message  # still the reminder, stop link and all


def test_a_confirmation_within_48_hours_asks_for_the_consent_as_the_reminder_would():
    """Set within the re-check window, the confirmation is the only e-mail before the day."""
    scheduled(at(2026, 3, 20))
    scheduled(at(2026, 3, 3, 15), email="ann@example.com", full_name="Ann Other")
    send_due()
    confirmations = {m.to[0]: m for m in sent_with("Your appointment")}
    assert links_in(confirmations["jane@example.com"], "/consent/") == []  # the reminder will
    assert len(links_in(confirmations["ann@example.com"], "/consent/")) == 1


# --- 24 hours before ------------------------------------------------------------------------


def test_unsigned_24_hours_before_needs_attention_once(client, time_machine):
    booking = scheduled()
    client.post(f"/appointment/{appointment_token(booking)}/check/", RECHECK_NO)
    time_machine.move_to(at(2026, 3, 19, 9, 59), tick=False)
    send_due()
    booking.refresh_from_db()
    assert not booking.needs_attention
    time_machine.move_to(at(2026, 3, 19, 10), tick=False)
    send_due()
    booking.refresh_from_db()
    assert booking.needs_attention
    assert booking.attention_reason == "consent_unsigned"
    assert booking.get_attention_reason_display() == "Consent not signed 24 hours before"


def test_the_front_desk_may_untick_it_and_it_is_not_raised_again(client, time_machine):
    booking = scheduled()
    client.post(f"/appointment/{appointment_token(booking)}/check/", RECHECK_NO)
    time_machine.move_to(at(2026, 3, 19, 10), tick=False)
    assert unsigned_consents_flag() == 1
    BookingRequest.objects.filter(pk=booking.pk).update(needs_attention=False, attention_reason="")
    assert unsigned_consents_flag() == 0


def test_signing_late_lifts_the_flag(client, time_machine):
    booking = scheduled()
    client.post(f"/appointment/{appointment_token(booking)}/check/", RECHECK_NO)
    time_machine.move_to(at(2026, 3, 19, 12), tick=False)
    send_due()
    sign(client, booking)
    booking.refresh_from_db()
    assert not booking.needs_attention and booking.attention_reason == ""


def test_another_flag_is_never_overwritten_and_consent_follows_once_it_is_dealt_with(
    client, time_machine
):
    booking = scheduled()  # no re-check either
    time_machine.move_to(at(2026, 3, 19, 10), tick=False)
    send_due()
    booking.refresh_from_db()
    assert booking.attention_reason == "recheck_missing"  # the re-check's flag stands
    # The patient answers the re-check late, and clear: that flag goes, the consent's comes.
    client.post(f"/appointment/{appointment_token(booking)}/check/", RECHECK_NO)
    booking.refresh_from_db()
    assert not booking.needs_attention
    time_machine.move_to(at(2026, 3, 19, 10, 5), tick=False)
    send_due()
    booking.refresh_from_db()
    assert booking.attention_reason == "consent_unsigned"


def test_signed_in_time_is_not_flagged(client, time_machine):
    booking = scheduled()
    client.post(f"/appointment/{appointment_token(booking)}/check/", RECHECK_NO)
    sign(client, booking)
    time_machine.move_to(at(2026, 3, 19, 12), tick=False)
    send_due()
    booking.refresh_from_db()
    assert not booking.needs_attention


RECHECK_NO = {
    "pregnant": "no",
    "infection": "no",
    "open_wounds": "no",
    "isotretinoin": "no",
    "radiation": "no",
    "previous_treatment": "no",
}


# --- Staff: permissions ---------------------------------------------------------------------


def _codenames(group: str) -> set[str]:
    permissions = Group.objects.get(name=group).permissions
    return set(
        permissions.filter(content_type__app_label="patients").values_list("codename", flat=True)
    )


def test_only_clinicians_keep_versions_and_read_signatures():
    assert _codenames("Clinicians") >= {
        "view_consentversion",
        "add_consentversion",
        "change_consentversion",
        "publish_consentversion",
        "view_consentsignature",
        "add_consentsignature",
    }
    assert _codenames("Front desk") & {c for c in _codenames("Clinicians") if "consent" in c} == {
        "add_consentsignature"
    }
    assert not _codenames("Content editors")


SIGNATURES = "/admin/patients/consentsignature/"
VERSIONS = "/admin/patients/consentversion/"


def test_front_desk_never_see_the_signed_record_by_any_admin_path(client, front_desk):
    booking = scheduled()
    sign(client, booking)
    signature = ConsentSignature.objects.get()
    for path in (
        SIGNATURES,
        f"{SIGNATURES}?q=Jane",
        f"{SIGNATURES}?method=online",
        f"{SIGNATURES}{signature.pk}/change/",
        f"{SIGNATURES}{signature.pk}/history/",
        f"{SIGNATURES}{signature.pk}/delete/",
        f"{SIGNATURES}add/",
        VERSIONS,
        f"{VERSIONS}{signature.version_id}/change/",
        f"{VERSIONS}{signature.version_id}/history/",
    ):
        response = front_desk.get(path)
        assert response.status_code in (403, 404), path
        assert NAME not in response.content.decode(), path
    # Nor by filtering the booking requests through the patient.
    for lookup in (
        "patient__consent_signatures__signed_name__icontains=Jane",
        "patient__consent_signatures__text_html__icontains=bleeding",
    ):
        response = front_desk.get(f"/admin/bookings/bookingrequest/?{lookup}")
        assert response.status_code == 400, lookup


def test_front_desk_see_signed_or_not_on_the_request_and_nothing_more(client, front_desk):
    booking = scheduled()
    page = front_desk.get(change_url(booking)).content.decode()
    assert 'data-consent-state="needed"' in page
    assert "Not signed" in page
    sign(client, booking)
    page = front_desk.get(change_url(booking)).content.decode()
    assert 'data-consent-state="signed"' in page
    assert "Signed on March 2, 2026 (online), version 1" in page
    assert NAME not in page  # the request's own name is "Jane Example"
    for words in CONSENT_WORDS:
        assert words not in page
    admin_index = front_desk.get("/admin/").content.decode()
    assert NAME not in admin_index


def test_content_editors_see_no_consent_at_all(client, editor):
    booking = scheduled()
    sign(client, booking)
    signature = ConsentSignature.objects.get()
    for path in (
        SIGNATURES,
        f"{SIGNATURES}{signature.pk}/change/",
        f"{SIGNATURES}{signature.pk}/history/",
        f"{SIGNATURES}paper/?patient={booking.patient_id}",
        VERSIONS,
    ):
        assert editor.get(path).status_code in (403, 404), path


def test_clinicians_read_the_record_and_nobody_changes_or_deletes_it(
    client, clinician, admin_client
):
    booking = scheduled()
    sign(client, booking)
    signature = ConsentSignature.objects.get()
    page = clinician.get(f"{SIGNATURES}{signature.pk}/change/").content.decode()
    assert NAME in page
    assert signature.text_sha256 in page
    assert "pinpoint bleeding" in page
    assert clinician.get(f"{SIGNATURES}?q=Jane").status_code == 200
    assert clinician.get(f"{SIGNATURES}{signature.pk}/history/").status_code == 200
    for staff in (clinician, admin_client):
        assert (
            staff.post(f"{SIGNATURES}{signature.pk}/change/", {"signed_name": "X"}).status_code
            == 403
        )
        assert staff.post(f"{SIGNATURES}{signature.pk}/delete/", {"post": "yes"}).status_code == 403
        assert staff.get(f"{SIGNATURES}add/").status_code == 403
    signature.refresh_from_db()
    assert signature.signed_name == NAME


# --- Staff: versions ------------------------------------------------------------------------


def test_clinicians_write_a_draft_publish_it_after_confirming_and_copy_it(clinician):
    response = clinician.post(
        f"{VERSIONS}add/",
        {"label": "Spring", "text_en": "## What microneedling is\n\nNew words.", "_save": "Save"},
    )
    assert response.status_code == 302
    draft = ConsentVersion.objects.get(label="Spring")
    assert draft.number == 2 and not draft.is_published
    assert draft.created_by.username == "doctor"

    action = {"action": "publish", "_selected_action": [draft.pk]}
    confirm = clinician.post(VERSIONS, action)
    assert b"data-publish-confirmation" in confirm.content
    draft.refresh_from_db()
    assert not draft.is_published
    clinician.post(VERSIONS, {**action, "post": "yes"})
    draft.refresh_from_db()
    assert draft.is_published and current() == draft

    copied = clinician.post(VERSIONS, {"action": "copy_into_draft", "_selected_action": [draft.pk]})
    copy = ConsentVersion.objects.get(number=3)
    assert copied["Location"] == f"{VERSIONS}{copy.pk}/change/"
    assert copy.text == draft.text and not copy.is_published


def test_a_published_version_is_read_only_in_the_admin(clinician):
    version = current()
    page = clinician.get(f"{VERSIONS}{version.pk}/change/").content.decode()
    assert 'name="text_en"' not in page and 'name="text_es"' not in page
    assert 'name="awaiting_clinic_review"' in page
    clinician.post(
        f"{VERSIONS}{version.pk}/change/",
        {"label": "Changed", "text_en": "Changed", "_save": "Save"},
    )
    version.refresh_from_db()
    assert version.label != "Changed" and "Changed" not in version.text
    assert not version.awaiting_clinic_review  # the one thing left to change: reviewed
    assert clinician.get(f"{VERSIONS}{version.pk}/delete/").status_code == 403


def test_front_desk_cannot_write_or_publish_versions(front_desk):
    assert front_desk.post(f"{VERSIONS}add/", {"label": "x", "text": "y"}).status_code == 403
    assert (
        front_desk.post(VERSIONS, {"action": "publish", "_selected_action": [1]}).status_code == 403
    )


# --- Staff: paper consent ---------------------------------------------------------------------


def paper_url(booking: BookingRequest) -> str:
    return f"{SIGNATURES}paper/?patient={booking.patient_id}&booking={booking.pk}"


def test_front_desk_record_a_paper_consent(front_desk):
    booking = scheduled()
    page = front_desk.get(change_url(booking)).content.decode()
    assert paper_url(booking).replace("&", "&amp;") in page
    assert b"Jane Example" in front_desk.get(paper_url(booking)).content
    response = front_desk.post(
        paper_url(booking),
        {
            "patient": booking.patient_id,
            "version": current().pk,
            "signed_name": "Jane Example",
            "signed_on": "2026-03-02",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(booking)
    signature = ConsentSignature.objects.get()
    assert signature.method == "paper"
    assert signature.recorded_by.username == "desk"
    assert signature.recorded_by_name == "desk"
    assert signature.version == current()
    assert signature.signed_at == NOW
    assert signature.text_matches
    assert signature.appointment == booking.appointments.get()
    assert not consent_needed(booking.patient, date(2026, 3, 20))
    # Recorded, but still not theirs to read.
    assert front_desk.get(f"{SIGNATURES}{signature.pk}/change/").status_code == 403


def test_a_paper_consent_form_with_errors_says_so_and_saves_nothing(front_desk):
    booking = scheduled()
    response = front_desk.post(
        paper_url(booking),
        {
            "patient": booking.patient_id,
            "version": "",
            "signed_name": " ",
            "signed_on": "2026-03-09",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the errors below." in page
    assert "cannot be after today" in page
    assert not ConsentSignature.objects.exists()


@pytest.mark.parametrize(
    "query", ["", "?patient=abc", "?patient=99999999999999999999", "?patient=²&booking=-1"]
)
def test_a_paper_consent_page_without_a_patient_is_never_a_500(front_desk, query):
    response = front_desk.get(f"{SIGNATURES}paper/{query}")
    assert response.status_code == 200
    response = front_desk.post(
        f"{SIGNATURES}paper/{query}",
        {"patient": "99999999999999999999", "signed_name": "Jane", "signed_on": "x"},
    )
    assert response.status_code == 200
    assert not ConsentSignature.objects.exists()


def test_a_paper_consent_dated_earlier_keeps_its_day():
    booking = scheduled()
    signature = paper_consent_record(
        patient=booking.patient,
        version=current(),
        signed_name="Jane Example",
        signed_on=date(2026, 2, 27),
        by=None,
    )
    assert timezone.localdate(signature.signed_at) == date(2026, 2, 27)


# --- The patient's timeline, erasure ---------------------------------------------------------


def test_timeline_entries_say_signed_or_not_and_nothing_of_the_record(client):
    booking = scheduled()
    sign(client, booking)
    (entry,) = consent_entries(booking.patient)
    assert entry.kind == "consent" and not entry.clinical
    assert entry.summary == "Signed consent version 1 online on March 2, 2026"
    assert entry.at == NOW
    assert NAME not in entry.summary


def test_timeline_entries_take_one_query(client, django_assert_num_queries):
    booking = scheduled()
    for _ in range(3):
        sign(client, booking)
        new_version()
    patient = booking.patient
    with django_assert_num_queries(1):
        assert len(consent_entries(patient)) == 3


def test_erasing_a_patient_who_signed_takes_the_consent_too_and_never_fails(client):
    """SPEC: erasure works on the patient and leaves only the anonymous erasure record."""
    booking = scheduled()
    sign(client, booking)
    record = patient_data_erase(email=booking.email, by=None)
    assert not ConsentSignature.objects.exists()
    assert not Patient.objects.exists()
    assert record.requests == 1


# --- Logs -----------------------------------------------------------------------------------


@pytest.fixture
def site_log():
    handler = next(
        h for h in logging.getLogger("django").handlers if isinstance(h.formatter, JsonFormatter)
    )
    assert any(isinstance(f, ScrubRequestFilter) for f in handler.filters)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)


def test_nothing_of_the_consent_reaches_the_log(site_log, monkeypatch):
    booking = scheduled()
    url = consent_url(booking)
    Client().post(url, {"signature": NAME, "agree": "on", "shown": "stale"})  # refused

    def crash(**kwargs):
        raise RuntimeError(f"cannot save {kwargs['signed_name']} {kwargs['version'].text}")

    monkeypatch.setattr("patients.consent_views.consent_sign", crash)
    response = Client(raise_request_exception=False).post(
        url, {"signature": NAME, "agree": "on", "shown": consent_text_hash(current().text_html)}
    )
    assert response.status_code == 500
    logged = "\n".join(json.dumps(entry) for entry in site_log())
    assert "Internal Server Error: /appointment/<token>/consent/" in logged
    assert NAME not in logged
    for words in CONSENT_WORDS:
        assert words not in logged
    assert appointment_token(booking) not in logged


# --- In Spanish -------------------------------------------------------------------------------


def test_a_spanish_patient_reads_and_signs_the_spanish_text(client):
    booking = scheduled()
    version = current()
    assert version.text_es and version.awaiting_clinic_review  # the seed's Spanish, to review
    spanish_url = "/es" + consent_url(booking)

    page = client.get(spanish_url).content.decode()
    assert '<html lang="es">' in page
    assert "Qué son las microagujas" in page and "What microneedling is" not in page
    # The same page in English shows the English text.
    assert "What microneedling is" in client.get(consent_url(booking)).content.decode()
    spanish_html = version.text_html_es
    response = client.post(
        spanish_url,
        {"signature": NAME, "agree": "on", "shown": consent_text_hash(spanish_html)},
        follow=True,
    )

    assert 'data-consent="signed"' in response.content.decode()
    signature = ConsentSignature.objects.get()
    assert signature.text_html == spanish_html  # exactly what was shown, in Spanish
    assert signature.text_sha256 == consent_text_hash(spanish_html)
    assert signature.language == "es"


def test_a_version_without_spanish_shows_the_english_on_the_spanish_page(client):
    new_version("## What microneedling is\n\nOnly in English for now.")
    booking = scheduled()
    page = client.get("/es" + consent_url(booking)).content.decode()
    assert "Only in English for now." in page
