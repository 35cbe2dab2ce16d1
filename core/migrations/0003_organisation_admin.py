from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_audit_event_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="is_active",
            field=models.BooleanField(db_default=True, default=True, verbose_name="active"),
        ),
    ]
