from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # Connects the sign-in audit log receivers, and those for the clinic's details.
        from clinic import signals

        signals.connect_clinic_details()


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks every member of staff for a second factor."""

    default = False  # ClinicConfig stays this module's default configuration
    default_site = "clinic.admin_site.ClinicAdminSite"
