"""What the request admin's own pages (phone booking, erasure) share."""

from django.contrib import admin
from django.http import HttpRequest

URL_NAME = "bookings_bookingrequest"


class AdminPagesMixin(admin.ModelAdmin):
    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            **extra,
        }
