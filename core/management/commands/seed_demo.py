"""Demo data for every app: organisations, one login per role, then each app's `demo.seed()`.

Idempotent: a second run changes nothing. Apps add their own options through `demo.add_arguments(parser)`.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from core import demo


def app_demo_modules():
    for config in apps.get_app_configs():
        if config.name == "core":
            continue
        try:
            yield import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


class Command(BaseCommand):
    help = "Load demo organisations, users and records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Do not create the demo logins.")
        for module in app_demo_modules():
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, **opts):
        created = demo.seed_organisations()
        self.stdout.write(f"organisations: {created} added")
        logins = [] if opts["no_users"] else demo.seed_users()
        for module in app_demo_modules():
            module.seed(self, opts)
        if logins:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {demo.DEMO_PASSWORD})"))
            for username, role, description in logins:
                self.stdout.write(f"  {username:<10} {role:<16} {description}")
