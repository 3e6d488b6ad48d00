# Placeholder routes: replaced by the screener work.
from django.http import HttpResponse
from django.urls import path

app_name = "screener"


def placeholder(request, **kwargs):
    return HttpResponse("Coming soon")


urlpatterns = [
    path("screener/", placeholder, name="start"),
]
