# Placeholder: replaced by the screener work.
from django.http import HttpResponse


def screener(request):
    return HttpResponse("Coming soon")


def result(request):
    return HttpResponse("Coming soon")
