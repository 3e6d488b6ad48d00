from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQ content"

    def ready(self) -> None:
        from faq import signals

        signals.connect()
