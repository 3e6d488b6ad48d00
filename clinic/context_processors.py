"""The clinic's details for every template, as `clinic` (read by clinic.selectors)."""

from django.http import HttpRequest

from clinic.selectors import ClinicDetails, clinic_details


def clinic_contact(request: HttpRequest) -> dict[str, ClinicDetails]:
    return {"clinic": clinic_details()}
