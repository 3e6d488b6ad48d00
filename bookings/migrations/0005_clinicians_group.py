"""The "Clinicians" group: everything the front desk has, plus the health answers of booking
requests and the record of who viewed them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


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
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0004_front_desk_worklist"),
    ]

    operations = [
        migrations.RunPython(create_clinicians, remove_clinicians),
    ]
