import datetime

from django.db import migrations


def create_default(apps, schema_editor):
    RulePolicy = apps.get_model("mobilization", "RulePolicy")
    if not RulePolicy.objects.exists():
        # The law's own parameters (Art. 26-28), in force from the start.
        RulePolicy.objects.create(
            version=1,
            effective_from=datetime.date(1900, 1, 1),
            note="The defaults of Art. 26-28 of the enforcement rules.",
        )


class Migration(migrations.Migration):
    dependencies = [("mobilization", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
