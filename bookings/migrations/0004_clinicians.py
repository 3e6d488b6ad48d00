"""The "Clinicians" group: everything the front desk has, plus the health answers of booking
requests and the record of who viewed them."""

from django.contrib.auth.management import create_permissions
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


GROUP_NAME = "Clinicians"
FRONT_DESK = "Front desk"
EXTRA = ("view_health_answers", "view_healthanswersview")


def create_clinicians(apps, schema_editor):
    db = schema_editor.connection.alias
    # The new permissions do not exist before post_migrate on a fresh database: create them.
    app_config = apps.get_app_config("bookings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinicians, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    front_desk = Group.objects.using(db).filter(name=FRONT_DESK).first()
    if front_desk is not None:
        clinicians.permissions.add(*front_desk.permissions.all())
    clinicians.permissions.add(
        *Permission.objects.using(db).filter(content_type__app_label="bookings", codename__in=EXTRA)
    )


def remove_clinicians(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0003_patient_notices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name='HealthAnswersView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=9)),
                ('username', models.CharField(max_length=150)),
                ('viewed_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('booking', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='health_answer_views', to='bookings.bookingrequest')),
                ('viewed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'view of health answers',
                'verbose_name_plural': 'views of health answers',
                'ordering': ['-viewed_at', '-id'],
                'permissions': [('view_health_answers', 'Can see the health answers of booking requests')],
                'default_permissions': ('view',),
            },
        ),
        migrations.RunPython(create_clinicians, remove_clinicians),
    ]
