from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core.signals import request_started


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # The one place caching is wired to the rest of the site. The sign-in audit log's
        # receivers connect on import.
        from clinic import cache, page_cache, signals

        # First the details' cached copy, then the pages rendered from it.
        signals.connect_clinic_details()
        page_cache.connect_invalidation()
        request_started.connect(cache.new_request, dispatch_uid="clinic.cache.new_request")


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks every member of staff for a second factor."""

    default = False  # ClinicConfig stays this module's default configuration
    default_site = "clinic.admin_site.ClinicAdminSite"
