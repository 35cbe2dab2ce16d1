"""Where generated and uploaded files live, chosen by environment: the local filesystem (default, `make run`
needs nothing) or an S3-compatible object store (MinIO, Ceph, AWS) through django-storages.

One function builds the `default` storage from an environment mapping, so the settings and the test fixture
that points a storage at a local S3 server (core.testing_s3) build it the same way."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

BACKENDS = ("local", "s3")
DOWNLOAD_MODES = ("stream", "redirect")
MAX_PRESIGNED_SECONDS = 60  # a presigned link outlives the scope check by at most a minute


def presigned_seconds(env: Mapping[str, str]) -> int:
    raw = env.get("S3_PRESIGNED_SECONDS") or "60"
    try:
        seconds = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"S3_PRESIGNED_SECONDS must be a whole number, not {raw!r}") from exc
    if not 1 <= seconds <= MAX_PRESIGNED_SECONDS:
        raise ImproperlyConfigured(f"S3_PRESIGNED_SECONDS must be between 1 and {MAX_PRESIGNED_SECONDS}, not {seconds}")
    return seconds


def backend(env: Mapping[str, str]) -> str:
    name = (env.get("STORAGE_BACKEND") or "local").strip().lower()
    if name not in BACKENDS:
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be one of {list(BACKENDS)}, not {name!r}")
    return name


def download_mode(env: Mapping[str, str]) -> str:
    mode = (env.get("DOWNLOAD_MODE") or "stream").strip().lower()
    if mode not in DOWNLOAD_MODES:
        raise ImproperlyConfigured(f"DOWNLOAD_MODE must be one of {list(DOWNLOAD_MODES)}, not {mode!r}")
    return mode


def default_storage(env: Mapping[str, str]) -> dict:
    """The STORAGES["default"] entry for ENV."""
    if backend(env) == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    missing = [name for name in ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY") if not env.get(name)]
    if missing:
        raise ImproperlyConfigured(f"STORAGE_BACKEND=s3 needs {', '.join(missing)}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env["S3_BUCKET"],
            "endpoint_url": env.get("S3_ENDPOINT_URL") or None,
            "access_key": env["S3_ACCESS_KEY_ID"],
            "secret_key": env["S3_SECRET_ACCESS_KEY"],
            "region_name": env.get("S3_REGION") or "us-east-1",
            # Private objects only: no ACL is ever sent (the bucket's own, private, applies), and every URL the
            # storage makes is signed and lives at most S3_PRESIGNED_SECONDS.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": presigned_seconds(env),
            "custom_domain": None,
            "file_overwrite": False,
            "signature_version": "s3v4",
            # MinIO and Ceph answer on one host name: bucket in the path, not in a virtual host.
            "addressing_style": "path",
            # A download read through the storage spills to a temporary file past 8 MB, not to memory.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
