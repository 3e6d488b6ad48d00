# Placeholder routes: replaced by the FAQ work.
from django.http import HttpResponse
from django.urls import path

app_name = "faq"


def placeholder(request, **kwargs):
    return HttpResponse("Coming soon")


urlpatterns = [
    path("", placeholder, name="index"),
    path("<slug:slug>/", placeholder, name="question"),
]
