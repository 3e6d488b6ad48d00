from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("booking/", views.booking_request, name="request"),
    path("booking/confirmation/", views.confirmation, name="confirmation"),
]
