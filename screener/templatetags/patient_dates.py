"""Dates and periods in the words patients read: one long US format everywhere ("March 15,
2027", as the date filter's "F j, Y"), and a retention period in years when it is whole years."""

from datetime import date

from django import template

register = template.Library()


@register.filter
def iso_date(value: object) -> date | str:
    """A "YYYY-MM-DD" string (e.g. the privacy notice's version) as a date, for |date."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return str(value)


@register.filter
def days_as_period(days: int) -> str:
    """365 -> "1 year", 730 -> "2 years", 90 -> "90 days"."""
    days = int(days)
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
