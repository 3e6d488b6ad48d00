from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using: str, **kwargs) -> None:
    # The database cache's table comes with `migrate` (no extra deployment step). Sent once per
    # app with models (this one has none); a no-op once the table exists, or with Redis.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # Connects the sign-in audit log receivers.
        from clinic import signals  # noqa: F401

        post_migrate.connect(create_cache_table, dispatch_uid="clinic:cache-table")
