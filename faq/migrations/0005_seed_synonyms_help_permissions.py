"""Seed the search's synonyms and the aftercare page's "When to get help" advice, and give the
"Content editors" group the new models: they edit synonyms and the advice, and see (read-only)
which searches found nothing.

The advice is deliberately general: the clinic can change any of it in the admin. The phone
number and e-mail address are placeholders filled in from settings ({phone}, {email}).
"""

from django.db import migrations
from django.utils import timezone

GROUP_NAME = "Content editors"
EDITABLE_MODELS = ["helpblock", "synonym"]
ACTIONS = ["add", "change", "delete", "view"]
READ_ONLY_MODELS = ["searchmiss"]

SYNONYMS = [
    # The clinic's own.
    "Accutane, isotretinoin",
    "anti-viral, antiviral",
    "cold sore, herpes simplex",
    "sessions, treatments",
    "pain, hurt, painful, painless",
    # What patients type for words the FAQ spells another way.
    "makeup, make-up",
    "pregnant, pregnancy",
    "sunburn, sun burn",
    "décolleté, decollete, décolletage, decolletage, chest",
]

HELP_ANCHOR = "when-to-get-help"
HELP_TITLE = "When to get help"
HELP_BODY = """Some redness, swelling, tightness and flaking are normal for a few days after microneedling (see the recovery timeline above). Call us on {phone} the same day if you notice any of these, which can be signs of an infection or a reaction:

- redness that spreads, or redness, heat or swelling that gets worse after the second day instead of settling
- pus (yellow or green fluid) or crusting that weeps
- a fever (100.4 °F / 38 °C or higher) or feeling generally unwell
- severe pain, or pain that gets worse instead of better
- blisters, or cold sores (herpes simplex) in or near the treated area
- a rash or hives (itchy, raised bumps)

**Who to call:** during opening hours, call {clinic} on {phone}, or e-mail {email} if it can wait a day. Tell us when you were treated and what you have noticed, and a clinician will advise you.

**Out of hours:** call 911 or go to the nearest emergency department straight away if you have trouble breathing or swallowing, or swelling of your face, lips, tongue or throat. For other warning signs when we are closed, call your doctor's after-hours line or go to an urgent care center, tell them that you had microneedling and when, and let us know when we open.

If you are not sure whether something is normal, call us: we would rather hear from you."""

CHANGE_REASON = "Loaded with the site"


def seed(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Synonym = apps.get_model("faq", "Synonym")
    HelpBlock = apps.get_model("faq", "HelpBlock")
    HistoricalHelpBlock = apps.get_model("faq", "HistoricalHelpBlock")

    for terms in SYNONYMS:
        Synonym.objects.create(terms=terms)

    block = HelpBlock.objects.create(
        title=HELP_TITLE, anchor=HELP_ANCHOR, body=HELP_BODY, order=10, published=True
    )
    HistoricalHelpBlock.objects.create(
        id=block.id,
        title=block.title,
        anchor=block.anchor,
        body=block.body,
        order=block.order,
        published=block.published,
        history_date=timezone.now(),
        history_type="+",
        history_change_reason=CHANGE_REASON,
    )

    app_config = apps.get_app_config("faq")
    # Migration state app configs have no models module, which create_permissions requires.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_{model}" for model in EDITABLE_MODELS for action in ACTIONS]
    codenames += [f"view_{model}" for model in READ_ONLY_MODELS]
    permissions = Permission.objects.filter(content_type__app_label="faq", codename__in=codenames)
    assert permissions.count() == len(codenames), "FAQ permissions are missing"
    group.permissions.add(*permissions)


def unseed(apps, schema_editor):
    apps.get_model("faq", "Synonym").objects.all().delete()
    apps.get_model("faq", "HelpBlock").objects.all().delete()
    apps.get_model("faq", "HistoricalHelpBlock").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("faq", "0004_search_synonyms_help")]

    operations = [migrations.RunPython(seed, unseed)]
