"""`{% reason_faq_link "cold_sores" %}`: the FAQ answer staff chose for a screener reason."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from clinic.models import ReasonLink

register = template.Library()


@register.simple_tag
def reason_faq_link(reason: str) -> str:
    link = (
        ReasonLink.objects.filter(
            reason=reason, question__published=True, question__category__published=True
        )
        .select_related("question")
        .only("question__slug", "question__question")
        .first()
    )
    if link is None:
        # Staff are warned in the admin (clinic.admin_site); patients get the whole FAQ. Not
        # logged: a reason code beside the time of a patient's visit says something of health.
        return format_html(
            '<p><a href="{}">{}</a></p>',
            reverse("faq:index"),
            gettext("Read the answers to common questions"),
        )
    question = link.question
    return format_html('<p><a href="{}">{}</a></p>', question.get_absolute_url(), question.question)
