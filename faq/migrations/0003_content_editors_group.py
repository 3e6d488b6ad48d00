"""The "Content editors" group: staff who keep the FAQ and the recovery timeline current.

Permissions are created here rather than left to the post_migrate signal, which runs only
after every migration: on a fresh database they would not exist yet.
"""

from django.db import migrations

GROUP_NAME = "Content editors"
MODELS = ["category", "question", "recoverystage"]
ACTIONS = ["add", "change", "delete", "view"]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("faq")
    # Migration state app configs have no models module, which create_permissions requires.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(content_type__app_label="faq", codename__in=codenames)
    assert permissions.count() == len(codenames), "FAQ permissions are missing"
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0002_seed_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
