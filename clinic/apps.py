from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(using: str, **kwargs) -> None:
    # The database cache's table comes with `migrate` (no extra deployment step); a no-op when
    # it exists or when the cache is Redis.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic site"

    def ready(self) -> None:
        # Connects the sign-in audit log receivers.
        from clinic import signals  # noqa: F401

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="clinic:cache-table")
