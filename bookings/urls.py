from django.urls import path

from bookings import appointment_views, slot_views, views
from patients import consent_views

app_name = "bookings"

urlpatterns = [
    path("booking/", slot_views.book_time, name="book"),
    path("booking/request/", views.booking_request, name="request"),
    path("booking/confirmation/", views.confirmation, name="confirmation"),
    # Posted from the result page, so it sits beside it.
    path("screener/notify/", views.can_book_notice, name="notify"),
    path("appointment/<str:token>/", appointment_views.appointment, name="appointment"),
    path(
        "appointment/<str:token>/cancel/",
        appointment_views.appointment_cancel_view,
        name="appointment_cancel",
    ),
    path(
        "appointment/<str:token>/move/",
        appointment_views.appointment_move,
        name="appointment_move",
    ),
    path(
        "appointment/<str:token>/earlier/",
        appointment_views.earlier_time_view,
        name="earlier_time",
    ),
    path(
        "appointment/<str:token>/change/",
        appointment_views.appointment_change_view,
        name="appointment_change",
    ),
    path("appointment/<str:token>/check/", appointment_views.recheck, name="recheck"),
    path(
        "appointment/<str:token>/check/result/",
        appointment_views.recheck_result,
        name="recheck_result",
    ),
    path("appointment/<str:token>/consent/", consent_views.consent, name="consent"),
    path(
        "appointment/<str:token>/consent/signed/",
        consent_views.consent_copy,
        name="consent_copy",
    ),
    path("messages/<str:token>/stop/", appointment_views.stop_messages, name="stop_messages"),
]
