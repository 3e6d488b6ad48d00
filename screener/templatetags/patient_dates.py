"""Dates and periods in the words patients read, in the page's language: the long date of each
language ("March 15, 2027"; "15 de marzo de 2027"), a day with its time, and a retention period
in years when it is whole years. The formats are clinic/formats/<language>/formats.py's."""

from datetime import date, datetime

from django import template
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def iso_date(value: object) -> date | str:
    """A "YYYY-MM-DD" string (e.g. the privacy notice's version) as a date, for |date."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def at_time(day: str, moment: datetime) -> str:
    # Translators: a day and a time, e.g. "Tuesday, December 15, 2026 at 2:30 PM".
    clock = time_format(moment, "CLOCK_FORMAT")
    return gettext("%(day)s at %(time)s") % {"day": day, "time": clock}


@register.filter(expects_localtime=True)
def day_at_time(moment: datetime | None) -> str:
    """ "Tuesday, December 15, 2026 at 2:30 PM", in the clinic's time zone."""
    if not moment:
        return ""
    return at_time(date_format(moment, "WEEKDAY_DATE_FORMAT"), moment)


@register.filter(expects_localtime=True)
def weekday_at_time(moment: datetime | None) -> str:
    """ "Tuesday, December 15 at 2:30 PM" (no year), in the clinic's time zone."""
    if not moment:
        return ""
    return at_time(date_format(moment, "WEEKDAY_MONTH_DAY_FORMAT"), moment)


@register.filter
def days_as_period(days: int) -> str:
    """365 -> "1 year", 730 -> "2 years", 90 -> "90 days"."""
    days = int(days)
    if days and days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
