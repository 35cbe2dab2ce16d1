"""Settings for the test suite: the production settings with test-friendly defaults from the environment."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-3f9a2c7e1b5d4a6f8e0c9b7a5d3f1e2c")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")
# Many tests call the token endpoint within a minute; the rate-limit tests set their own low rates.
os.environ.setdefault("RATE_LIMIT_TOKEN", "10000/minute")
os.environ.setdefault("RATE_LIMIT_VERIFY", "10000/minute")
for _scope in ("SIGNIN", "CODE", "VERIFY", "CONTACT"):
    os.environ.setdefault(f"RATE_LIMIT_SELFSERVICE_{_scope}", "10000/minute")
# Tests log MND users in with force_login; the two-factor tests switch this on themselves.
os.environ.setdefault("REQUIRE_2FA", "0")
# Tests read the dashboard right after changing data; core's dashboard test switches the cache on itself.
os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "0")

from .env import env_bool  # noqa: E402
from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production keeps PBKDF2
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)  # noqa: F405
# A worker started by core.testing_workers gets its own directory (as a second host would have its own disk).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or BASE_DIR / ".run" / "test-media")  # noqa: F405
