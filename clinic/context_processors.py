from django.conf import settings
from django.http import HttpRequest


def clinic_contact(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The clinic's name and contact details, from settings, for every template."""
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "address": settings.CLINIC_ADDRESS,
            "phone": settings.CLINIC_PHONE,
            "email": settings.CLINIC_EMAIL,
        }
    }
