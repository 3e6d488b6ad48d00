"""Who sees the patient record: the front desk and clinicians view patients, change their
contact details and merge two records of one person; clinicians also see the record of who
viewed a patient's clinical entries. Content editors see no patient at all."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "Front desk": ("view_patient", "change_patient", "merge_patient"),
    # Clinicians have everything the front desk has (bookings/0005).
    "Clinicians": ("view_patient", "change_patient", "merge_patient", "view_patientrecordview"),
}


def _permissions(apps, db, codenames):
    # As in bookings/0002: on a fresh database these do not exist before post_migrate.
    app_config = apps.get_app_config("patients")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    found = list(
        Permission.objects.using(db).filter(
            content_type__app_label="patients", codename__in=codenames
        )
    )
    assert len(found) == len(codenames), "patients permissions are missing"
    return found


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(*_permissions(apps, db, codenames))


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        permissions = Permission.objects.using(db).filter(
            content_type__app_label="patients", codename__in=codenames
        )
        for group in Group.objects.using(db).filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0005_clinicians_group"),
        ("patients", "0006_patient_record_lifecycle"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
