from django.conf import settings
from django.http import HttpRequest


def clinic_details() -> dict[str, str]:
    """The clinic's name and contact details, from settings (pages and e-mails alike)."""
    phone = settings.CLINIC_PHONE
    return {
        "name": settings.CLINIC_NAME,
        "address": settings.CLINIC_ADDRESS,
        "phone": phone,
        # For tel: links, which want digits only: "(207) 555-0142" -> "2075550142".
        "phone_link": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        "email": settings.CLINIC_EMAIL,
    }


def clinic_contact(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The clinic's details as `clinic`, for every template."""
    return {"clinic": clinic_details()}
