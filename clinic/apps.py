from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # Connects the sign-in audit log receivers.
        from clinic import signals  # noqa: F401
