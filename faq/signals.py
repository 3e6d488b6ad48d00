"""Staff edits show on the site at once: any change to FAQ content drops the cached pages."""

from django.db.models.signals import post_delete, post_save

from clinic.middleware import invalidate_public_pages


def content_changed(sender, **kwargs) -> None:
    invalidate_public_pages()


def connect() -> None:
    # Everything shown on a public page. Synonyms and the searches that found nothing are not:
    # searches are never cached, so they need no invalidation.
    from faq.models import Category, HelpBlock, Question, RecoveryStage

    for model in (Category, Question, RecoveryStage, HelpBlock):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                content_changed, sender=model, dispatch_uid=f"faq:{model.__name__}:{name}"
            )
