"""Pages of notices (the order's notices, one notice, township batches, report day, follow-up lists)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.audit import log_event

from .models import NoticeBatch


@login_required
@permission_required("mobilization.view_noticebatch", raise_exception=True)
def batch_download(request, pk):
    """A township's printable PDF: its own township office, the county in its area, MND staff."""
    batch = get_object_or_404(NoticeBatch.objects.for_user(request.user).select_related("township"), pk=pk)
    if not batch.file:
        raise Http404
    log_event(request.user, batch.order, _("Township batch %(b)s downloaded") % {"b": batch.file.name})
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.file.name.rsplit("/", 1)[-1])
