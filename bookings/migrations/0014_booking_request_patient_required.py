import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bookings", "0013_booking_request_patient")]

    operations = [
        migrations.AlterField(
            model_name="bookingrequest",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="booking_requests",
                to="patients.patient",
            ),
        ),
    ]
