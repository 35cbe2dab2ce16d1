from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_api_token_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="is_active",
            field=models.BooleanField(db_default=True, default=True, verbose_name="active"),
        ),
    ]
