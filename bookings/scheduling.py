"""Scheduling rules that come from the clinic's own settings."""

from datetime import datetime

from django.utils import formats, timezone

from clinic.models import ClinicDetails


def opening_hours_error(moment: datetime) -> str | None:
    """Why an appointment cannot be at `moment` because the clinic is closed then, or None.

    Only where staff have set opening hours (ClinicDetails in the admin).
    """
    if ClinicDetails.get_solo().is_open_at(moment):
        return None
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    when = formats.date_format(local, "l j F Y, H:i")
    return f"The clinic is closed at that time ({when}). Choose a time within its opening hours."
