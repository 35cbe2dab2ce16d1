import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.accounts import provision_user
from core.choices import Role


class Command(BaseCommand):
    help = (
        "Create or update a portal user with one role and its scope. The password is read from standard "
        "input (first line) or from the environment variable named by --password-env."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            help="County ISO code (TW-NWT) or township zipcode (220); repeatable.",
        )
        parser.add_argument("--organisation", help="Organisation code (or id) the user works for.")
        parser.add_argument("--password-env", help="Read the password from this environment variable.")
        parser.add_argument("--email", default="")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--no-password", action="store_true", help="Leave the account without a password.")

    def handle(self, *args, **opts):
        password = None
        if opts["password_env"]:
            password = os.environ.get(opts["password_env"])
            if not password:
                raise CommandError(f"Environment variable {opts['password_env']} is empty or not set.")
        elif not opts["no_password"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input (or use --password-env VAR / --no-password).")
        try:
            user = provision_user(
                opts["username"],
                opts["role"],
                regions=opts["region"],
                organisation=opts["organisation"],
                password=password,
                email=opts["email"],
                full_name=opts["full_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        scope = ", ".join(opts["region"]) or (opts["organisation"] or "nationwide")
        self.stdout.write(self.style.SUCCESS(f"{user.username}: role {opts['role']}, scope {scope}"))
