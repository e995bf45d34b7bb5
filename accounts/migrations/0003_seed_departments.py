from django.db import migrations


def seed(apps, schema_editor):
    from accounts.departments import DEPARTMENTS

    Department = apps.get_model("accounts", "Department")
    for order, (code, name, short_name, kind) in enumerate(DEPARTMENTS, start=1):
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short_name, "kind": kind, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
