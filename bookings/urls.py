from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("booking/", views.booking_request, name="request"),
    path("booking/confirmation/", views.confirmation, name="confirmation"),
    # Posted from the result page, so it sits beside it.
    path("screener/notify/", views.can_book_notice, name="notify"),
    path("messages/<str:token>/stop/", views.messages_stop_view, name="stop"),
]
