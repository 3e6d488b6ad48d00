"""What the request admin's own pages (phone booking, erasure) share."""

from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest

URL_NAME = "bookings_bookingrequest"


def staff_user(request: HttpRequest) -> User:
    """The member of staff on an admin page: the admin site lets only signed-in staff reach
    its views, so request.user is never the anonymous user there."""
    return cast(User, request.user)


class AdminPagesMixin(admin.ModelAdmin):
    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            **extra,
        }
