import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    """Clerks search by the given name alone, the last digits of an ID and the birth date (issue 18): trigram
    indexes for LIKE '%...%' / '%...' and a birth-date index, so these searches stay fast on 2 million rows."""

    dependencies = [
        ("reservists", "0002_search_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="reservist",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name"], opclasses=["gin_trgm_ops"], name="reservist_name_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="reservist",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["national_id"], opclasses=["gin_trgm_ops"], name="reservist_nid_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="reservist",
            index=models.Index(fields=["birth_date"], name="reservist_birth_date"),
        ),
    ]
