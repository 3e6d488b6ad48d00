"""The patient record in the admin: one module per page family."""
