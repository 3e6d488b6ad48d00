# Placeholder: replaced by the booking work.
from django.http import HttpResponse


def booking_request(request):
    return HttpResponse("Coming soon")


def confirmation(request):
    return HttpResponse("Coming soon")
