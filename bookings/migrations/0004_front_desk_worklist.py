"""The front desk's worklist permissions: the contact log, phone bookings and erasures."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


# What the front desk gains with the worklist: the contact log (add, view), phone bookings (add
# a request, through the admin's phone-booking view only) and erasures (add, view).
FRONT_DESK_PERMISSIONS = (
    "add_bookingrequest",
    "add_contactlogentry",
    "view_contactlogentry",
    "add_erasurerecord",
    "view_erasurerecord",
)


def grant_front_desk(apps, schema_editor):
    db = schema_editor.connection.alias
    # As in 0002: on a fresh database the new models' permissions do not exist yet.
    app_config = apps.get_app_config("bookings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name="Front desk")
    group.permissions.add(
        *Permission.objects.using(db).filter(
            content_type__app_label="bookings", codename__in=FRONT_DESK_PERMISSIONS
        )
    )


def revoke_front_desk(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Front desk"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="bookings", codename__in=FRONT_DESK_PERMISSIONS
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0003_appointments_worklist_clinicians"),
    ]

    operations = [
        migrations.RunPython(grant_front_desk, revoke_front_desk),
    ]
