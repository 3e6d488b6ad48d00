"""The "Front desk" group: booking requests (view, change), their messages and the outbox (to
resend a failed e-mail), and screening statistics (view). Nothing of the FAQ."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Front desk"
PERMISSIONS = {
    "bookings": {"bookingrequest": ("view", "change"), "message": ("view",)},
    "screener": {"screening": ("view",)},
    "post_office": {"email": ("view", "change"), "log": ("view",)},
}


def create_front_desk(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally created after `migrate` finishes (post_migrate); on a fresh
    # database they do not exist yet at this point, so create them now.
    for app_label in PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    for app_label, models in PERMISSIONS.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(
            *Permission.objects.using(db).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


def remove_front_desk(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0001_initial"),
        ("screener", "0001_initial"),
        ("post_office", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_front_desk, remove_front_desk),
    ]
