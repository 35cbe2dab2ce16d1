"""A real S3 API for tests and benchmarks: moto's standalone server on a free 127.0.0.1 port.

`start_server()` runs `python -m moto.server` as its own process (workers started by core.testing_workers reach it
over HTTP, as worker hosts reach MinIO or Ceph). `storage_env(endpoint, bucket)` is the environment that points the
portal at it (the same STORAGE_BACKEND / S3_* variables production sets), `create_bucket(env)` makes a private
bucket. Pytest fixtures, loaded by the root conftest.py:

- `s3_server` (session): the running server.
- `s3_storage` (per test): a fresh private bucket, and the settings of this process switched to it (STORAGES,
  STORAGE_BACKEND, S3_PRESIGNED_SECONDS, DOWNLOAD_MODE=stream); `.env` is the environment to give workers."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field

import pytest

ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"  # noqa: S105 (the local moto server's, not a credential)
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    process: subprocess.Popen
    endpoint: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(timeout: float = 60) -> S3Server:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return S3Server(process, f"http://127.0.0.1:{port}")
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto server did not start")


def storage_env(endpoint: str, bucket: str, **extra: str) -> dict[str, str]:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": endpoint,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_REGION": REGION,
        **extra,
    }


def client(env: dict[str, str]):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        region_name=env.get("S3_REGION", REGION),
    )


def create_bucket(env: dict[str, str]) -> None:
    """A private bucket, as operations create it: no public ACL, public access blocked."""
    s3 = client(env)
    s3.create_bucket(Bucket=env["S3_BUCKET"])
    s3.put_public_access_block(
        Bucket=env["S3_BUCKET"],
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def storage_settings(env: dict[str, str]) -> dict:
    """The settings that switch this process to the storage of ENV (for override_settings or pytest-django)."""
    from django.conf import settings

    from config import storage as storage_config

    return {
        "STORAGES": {**settings.STORAGES, "default": storage_config.default_storage(env)},
        "STORAGE_BACKEND": storage_config.backend(env),
        "S3_PRESIGNED_SECONDS": storage_config.presigned_seconds(env),
        "DOWNLOAD_MODE": storage_config.download_mode(env),
    }


@dataclass
class S3Storage:
    env: dict[str, str]
    bucket: str
    keys: list = field(default_factory=list)

    @property
    def client(self):
        return client(self.env)

    def objects(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture(scope="session")
def s3_server():
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    env = storage_env(s3_server.endpoint, f"portal-{uuid.uuid4().hex[:12]}")
    create_bucket(env)
    for name, value in storage_settings(env).items():
        setattr(settings, name, value)  # setting STORAGES resets django.core.files.storage.storages
    return S3Storage(env=env, bucket=env["S3_BUCKET"])


def environ_without_storage() -> dict[str, str]:
    """os.environ less the storage variables (a bench switches storage itself)."""
    return {k: v for k, v in os.environ.items() if k not in ("STORAGE_BACKEND",) and not k.startswith("S3_")}
