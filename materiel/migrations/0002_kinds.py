"""Ship the kinds of resources (sector, class, capacity attributes)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from materiel.kind_data import load

    load(apps.get_model("materiel", "Kind"))


class Migration(migrations.Migration):
    dependencies = [("materiel", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
