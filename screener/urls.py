from django.urls import path

from screener import booking_views, views

app_name = "screener"

urlpatterns = [
    path("screener/", views.screener, name="start"),
    path("screener/result/", views.result, name="result"),
    path("booking/", booking_views.booking_request, name="booking"),
    path("booking/confirmation/", booking_views.confirmation, name="confirmation"),
]
