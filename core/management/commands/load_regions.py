from django.core.management.base import BaseCommand

from core.regions import load_regions


class Command(BaseCommand):
    help = "Load Taiwan's counties and townships shipped in core/data (idempotent)."

    def handle(self, *args, **opts):
        changed = load_regions()
        self.stdout.write(f"regions: {changed} added")
