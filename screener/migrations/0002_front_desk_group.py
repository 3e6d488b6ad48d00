"""The "Front desk" group: booking requests (view, change) and screening statistics (view).

Nothing of the FAQ: content editors have their own group (created by the faq app).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Front desk"
PERMISSIONS = {
    "bookingrequest": ("view", "change"),
    "screening": ("view",),
}


def create_front_desk(apps, schema_editor):
    # Permissions are normally created after `migrate` finishes (post_migrate); on a fresh
    # database they do not exist yet at this point, so create them now.
    app_config = apps.get_app_config("screener")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    group.permissions.add(
        *Permission.objects.using(schema_editor.connection.alias).filter(
            content_type__app_label="screener", codename__in=codenames
        )
    )


def remove_front_desk(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("screener", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_front_desk, remove_front_desk),
    ]
