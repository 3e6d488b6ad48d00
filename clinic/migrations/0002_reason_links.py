"""Each screener reason links to the FAQ answer its result text linked to before (fixed slugs)."""

from django.db import migrations

LINKS = {
    "keloid": "who-should-avoid-it",
    "pregnant": "who-should-avoid-it",
    "infection": "who-should-avoid-it",
    "open_wounds": "who-should-avoid-it",
    "isotretinoin": "who-should-avoid-it",
    "radiation": "who-should-avoid-it",
    "recent_treatment": "how-many-treatments",
    "cold_sores": "who-should-avoid-it",
}


def seed_links(apps, schema_editor):
    Question = apps.get_model("faq", "Question")
    ReasonLink = apps.get_model("clinic", "ReasonLink")
    questions = {q.slug: q for q in Question.objects.filter(slug__in=set(LINKS.values()))}
    for reason, slug in LINKS.items():
        if slug in questions:
            ReasonLink.objects.get_or_create(reason=reason, defaults={"question": questions[slug]})


class Migration(migrations.Migration):

    dependencies = [
        ("clinic", "0001_clinic_details"),
        ("faq", "0002_seed_content"),
    ]

    operations = [
        migrations.RunPython(seed_links, migrations.RunPython.noop),
    ]
