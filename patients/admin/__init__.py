"""The patient record in the admin: one module per page family (the patient's page and list;
merging two records; erasure), registered here."""

from django.contrib import admin

from patients.admin import consent, treatment  # noqa: F401 (each registers its ModelAdmins)
from patients.admin.patient import PatientAdmin, PatientRecordViewAdmin
from patients.models import Patient, PatientRecordView

admin.site.register(Patient, PatientAdmin)
admin.site.register(PatientRecordView, PatientRecordViewAdmin)
