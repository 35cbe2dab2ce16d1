"""Ship the eight CI sectors with their sub-sectors and the default 5x5 risk matrix."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cip.sector_data import load

    load(apps.get_model("cip", "Sector"), apps.get_model("cip", "SubSector"))
    RiskMatrix = apps.get_model("cip", "RiskMatrix")
    if not RiskMatrix.objects.filter(is_active=True).exists():
        RiskMatrix.objects.create(
            name="5x5", size=5, medium_from=5, high_from=10, critical_from=17, is_active=True
        )


class Migration(migrations.Migration):
    dependencies = [("cip", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
