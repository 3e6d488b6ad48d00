"""The patient record in the admin: one module per page family."""

from patients.admin import consent, treatment  # noqa: F401 (each registers its ModelAdmins)
