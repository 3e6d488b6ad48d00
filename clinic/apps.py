from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # Connects the sign-in audit log receivers.
        from clinic import signals  # noqa: F401


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks every member of staff for a second factor."""

    default = False  # ClinicConfig stays this module's default configuration
    default_site = "clinic.admin_site.ClinicAdminSite"
