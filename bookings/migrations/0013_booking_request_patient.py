import django.db.models.deletion
from django.db import migrations, models


def patients_from_addresses(apps, schema_editor):
    """One patient per address (any case), named as in their latest request."""
    BookingRequest = apps.get_model("bookings", "BookingRequest")
    Patient = apps.get_model("patients", "Patient")
    patients = {}
    for booking in BookingRequest.objects.order_by("-created_at", "-id").iterator():
        address = booking.email.strip().lower()
        if address not in patients:
            patients[address] = Patient.objects.create(
                email=booking.email.strip(),
                full_name=booking.full_name,
                phone=booking.phone,
                created_at=booking.created_at,
            )
        patient = patients[address]
        if booking.created_at < patient.created_at:
            Patient.objects.filter(pk=patient.pk).update(created_at=booking.created_at)
            patient.created_at = booking.created_at
        BookingRequest.objects.filter(pk=booking.pk).update(patient=patient)


# Made required in 0014, a migration of its own: PostgreSQL refuses to alter a table with
# deferred foreign-key checks still pending from the rows just updated.
class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0012_earlier_times"),
        ("patients", "0001_patient"),
    ]

    operations = [
        migrations.AddField(
            model_name="bookingrequest",
            name="patient",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="booking_requests",
                to="patients.patient",
            ),
        ),
        migrations.RunPython(patients_from_addresses, migrations.RunPython.noop),
    ]
