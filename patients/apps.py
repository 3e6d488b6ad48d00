from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from django.core import checks

        from patients.retention import check_medical_records

        checks.register(check_medical_records)
