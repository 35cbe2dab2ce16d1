"""Supporting documents: PDF, PNG or JPEG only, recognised by their content (never by their name), size-limited,
stored through Django's storage under a random name outside the web root."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILES = 5
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def max_bytes() -> int:
    return getattr(settings, "SELFSERVICE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check(upload) -> dict:
    """Content type, size and digest of one uploaded file, or ValidationError saying what is wrong with it."""
    name = getattr(upload, "name", "") or ""
    if upload.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": max_bytes() // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG or JPEG file (its content was checked, not its name).") % {"name": name}
        )
    if content_type != "application/pdf":
        from PIL import Image

        upload.seek(0)
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception:
            raise ValidationError(_("“%(name)s” is not a readable image.") % {"name": name}) from None
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"content_type": content_type, "size": upload.size, "sha256": digest.hexdigest(), "name": name[-200:]}


def check_all(files) -> list[dict]:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(_("Send at most %(n)s files.") % {"n": MAX_FILES})
    errors, checked = [], []
    for upload in files:
        try:
            checked.append(check(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked
