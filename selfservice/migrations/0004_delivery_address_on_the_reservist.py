"""The delivery address a person gave through self-service now lives on the reservist (Reservist.delivery_address),
where the notice PDF and the township office read it: copy the latest confirmed one of each person over."""

from django.db import migrations


def copy_latest(apps, schema_editor):
    ContactChange = apps.get_model("selfservice", "ContactChange")
    Reservist = apps.get_model("reservists", "Reservist")
    latest = (
        ContactChange.objects.filter(field="delivery_address", status="confirmed")
        .order_by("reservist_id", "-id")
        .distinct("reservist_id")
        .values_list("reservist_id", "new_value")
    )
    for reservist_id, address in latest.iterator():
        Reservist.objects.filter(pk=reservist_id).update(delivery_address=address)


class Migration(migrations.Migration):
    dependencies = [
        ("reservists", "0005_reservist_delivery_address"),
        ("selfservice", "0003_session_housekeeping_indexes"),
    ]

    operations = [migrations.RunPython(copy_latest, migrations.RunPython.noop)]
