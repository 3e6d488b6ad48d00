"""The patient record in the admin: one module per page family."""

from patients.admin import treatment  # noqa: F401  (registers its ModelAdmins)
