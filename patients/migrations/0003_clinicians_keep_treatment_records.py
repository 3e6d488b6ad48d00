"""Treatment records are the Clinicians' alone: they add and correct them, add addenda, and see
the log of who viewed them. Front desk and content editors get nothing of them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Clinicians"
CODENAMES = (
    "view_treatmentrecord",
    "add_treatmentrecord",
    "change_treatmentrecord",
    "view_treatmentarea",
    "add_treatmentarea",
    "change_treatmentarea",
    "delete_treatmentarea",
    "view_treatmentaddendum",
    "add_treatmentaddendum",
    "view_treatmentrecordview",
)


def _permissions(apps, db):
    Permission = apps.get_model("auth", "Permission")
    # As in diary/0003: on a fresh database these do not exist before post_migrate.
    app_config = apps.get_app_config("patients")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    found = list(
        Permission.objects.using(db).filter(
            content_type__app_label="patients", codename__in=CODENAMES
        )
    )
    assert len(found) == len(CODENAMES), "treatment record permissions are missing"
    return found


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps, db))


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="patients", codename__in=CODENAMES
    )
    for group in Group.objects.using(db).filter(name=GROUP):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0005_clinicians_group"),
        ("patients", "0002_treatment_records"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
