"""The patient record in the admin: one module per page family."""

from patients.admin import consent  # noqa: F401 (registers the consent admin)
