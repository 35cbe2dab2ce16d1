"""Object keys for generated and uploaded files.

Every FileField's upload_to puts a random component (uuid4, 122 bits) in the key, so nobody can name an object
from a notice number, an order or a person: even with a presigned link to one object, the next is not guessable.
The readable file name stays last, for the name a download is saved under."""

from __future__ import annotations

import posixpath
import uuid

from django.utils.text import get_valid_filename


def random_key(prefix: str, filename: str, *, keep_name: bool = True) -> str:
    """PREFIX/<32 hex random>/<safe file name>, or PREFIX/<32 hex random> when the given name must not be kept."""
    token = uuid.uuid4().hex
    if not keep_name:
        return f"{prefix}/{token}"
    name = get_valid_filename(posixpath.basename(filename.replace("\\", "/"))) or "file"
    return f"{prefix}/{token}/{name}"


def job_result_key(instance, filename: str) -> str:
    return random_key("jobs", filename)
