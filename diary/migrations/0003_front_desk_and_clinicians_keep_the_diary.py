"""The diary's permissions: the front desk (and clinicians, who have everything the front desk
has) keep practitioners, their working hours and time off, and see the appointments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Front desk", "Clinicians")
PERMISSIONS = {
    "bookings": (
        "view_practitioner",
        "add_practitioner",
        "change_practitioner",
        "delete_practitioner",
        "view_appointment",
    ),
    "diary": tuple(
        f"{action}_{model}"
        for model in ("workinghours", "timeoff")
        for action in ("view", "add", "change", "delete")
    ),
}


def _permissions(apps, db):
    Permission = apps.get_model("auth", "Permission")
    for app_label in PERMISSIONS:
        # As in bookings/0002: on a fresh database these do not exist before post_migrate.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
    found = []
    for app_label, codenames in PERMISSIONS.items():
        found += Permission.objects.using(db).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    assert len(found) == sum(map(len, PERMISSIONS.values())), "diary permissions are missing"
    return found


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    permissions = _permissions(apps, db)
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in PERMISSIONS.items():
        permissions = Permission.objects.using(db).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        for group in Group.objects.using(db).filter(name__in=GROUPS):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0005_clinicians_group"),
        ("bookings", "0008_appointments_never_overlap"),
        ("diary", "0002_seed_clinician"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
