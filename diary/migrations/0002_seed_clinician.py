"""A fresh database has one practitioner, "Clinician", working Monday to Friday, 09:00 to 17:00,
so the site offers times at once; the clinic renames them and sets their hours in the admin."""

from datetime import time

from django.db import migrations


def seed(apps, schema_editor):
    Practitioner = apps.get_model("bookings", "Practitioner")
    WorkingHours = apps.get_model("diary", "WorkingHours")
    if Practitioner.objects.exists():
        return
    clinician = Practitioner.objects.create(name="Clinician")
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=clinician, weekday=day, start=time(9), end=time(17))
        for day in range(5)
    )


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial"), ("bookings", "0007_practitioner_appointment")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
