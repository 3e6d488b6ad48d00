from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("screener", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bookingrequest",
            name="needs_antiviral_prophylaxis",
            field=models.BooleanField(default=False, editable=False, verbose_name="Needs antiviral prophylaxis"),
        ),
        migrations.AddField(
            model_name="bookingrequest",
            name="outcome",
            field=models.CharField(choices=[("eligible", "ELIGIBLE"), ("eligible_with_conditions", "ELIGIBLE_WITH_CONDITIONS"), ("deferred", "DEFERRED"), ("not_suitable", "NOT_SUITABLE")], default="eligible", editable=False, max_length=30),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="bookingrequest",
            name="reasons",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddConstraint(
            model_name="bookingrequest",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("status", "scheduled"), _negated=True), ("needs_antiviral_prophylaxis", False), ("antiviral_prophylaxis_arranged", True), _connector="OR"), name="scheduled_only_with_prophylaxis_arranged", violation_error_message="A patient with a history of cold sores can be scheduled only once antiviral prophylaxis is arranged."),
        ),
    ]
