"""One way to hand a stored file to the person who asked for it, called only after the view's scope check.

`serve(request, fieldfile, ...)` streams the object through the portal (DOWNLOAD_MODE=stream, the default), or,
with an object store and DOWNLOAD_MODE=redirect, answers 302 to a presigned URL that expires within
S3_PRESIGNED_SECONDS (at most 60). The filesystem storage has no presigned URLs: it always streams. Either way the
response is never cached: the next request passes the scope check again."""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header


def is_object_store(storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a pinned dependency
        return False
    return isinstance(storage, S3Storage)


def serve(
    request, fieldfile, *, filename: str | None = None, as_attachment: bool = True, content_type: str | None = None
):
    """The stored FIELDFILE as a response; 404 when there is no file (or the object is gone)."""
    if not fieldfile:
        raise Http404
    name = filename or posixpath.basename(fieldfile.name)
    storage = fieldfile.storage
    if is_object_store(storage):
        if settings.DOWNLOAD_MODE == "redirect":
            response = HttpResponseRedirect(presigned_url(storage, fieldfile.name, name, as_attachment, content_type))
        else:
            response = _stream_object(storage, fieldfile.name, name, as_attachment, content_type)
    else:
        try:
            handle = fieldfile.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=as_attachment, filename=name, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def presigned_url(storage, key: str, filename: str, as_attachment: bool = True, content_type: str | None = None) -> str:
    """A GET URL for KEY, signed for S3_PRESIGNED_SECONDS, that saves under FILENAME."""
    parameters = {"ResponseContentDisposition": content_disposition_header(as_attachment, filename)}
    if content_type:
        parameters["ResponseContentType"] = content_type
    return storage.url(key, parameters=parameters, expire=settings.S3_PRESIGNED_SECONDS)


def _stream_object(storage, key: str, filename: str, as_attachment: bool, content_type: str | None):
    """The object's body passed through in chunks: constant memory, whatever the size of the batch."""
    from botocore.exceptions import ClientError
    from storages.utils import clean_name

    client = storage.connection.meta.client
    try:
        obj = client.get_object(Bucket=storage.bucket_name, Key=storage._normalize_name(clean_name(key)))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise Http404 from exc
        raise
    body = obj["Body"]
    response = FileResponse(
        body,
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type or obj.get("ContentType") or None,
    )
    response["Content-Length"] = str(obj["ContentLength"])
    return response
