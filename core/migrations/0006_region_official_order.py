from django.db import migrations, models


def put_in_official_order(apps, schema_editor):
    from core.regions import set_positions

    set_positions(apps.get_model("core", "Region"))


class Migration(migrations.Migration):
    """Regions get their official order (core/data's order): drop-downs listed counties by English name."""

    dependencies = [
        ("core", "0005_random_file_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="position",
            field=models.PositiveIntegerField(db_index=True, default=0, verbose_name="official order"),
        ),
        migrations.AlterModelOptions(
            name="region",
            options={
                "ordering": ["position", "code"],
                "permissions": [("access_region", "Work within this region"), ("access_all_regions", "Work nationwide")],
                "verbose_name": "region",
                "verbose_name_plural": "regions",
            },
        ),
        migrations.RunPython(put_in_official_order, migrations.RunPython.noop),
    ]
