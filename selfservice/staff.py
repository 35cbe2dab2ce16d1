"""What the township office sees of self-service: contact and delivery-address changes of the people in its
area (for the next notices), and the documents sent with requests, served only within the staff's scope."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views import View

from core import downloads, events
from core.views.base import PortalPermissionMixin, ScopedListView

from .choices import ChangeStatus
from .events import DOCUMENT_VIEWED
from .models import ContactChange, Document


class ChangeListView(ScopedListView):
    """Changes in effect, newest first: a delivery address here is where the next notice goes."""

    model = ContactChange
    permission_required = "selfservice.view_contactchange"
    template_name = "selfservice/staff/change_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(status=ChangeStatus.CONFIRMED)
            .select_related("reservist", "reservist__township")
            .order_by("-id")
        )


class DocumentDownloadView(PortalPermissionMixin, View):
    permission_required = "selfservice.view_document"
    http_method_names = ["get"]

    def get(self, request, pk):
        document = get_object_or_404(Document.objects.for_user(request.user), pk=pk)
        events.record(DOCUMENT_VIEWED, user=request.user, obj=document)
        return downloads.serve(request, document.file, as_attachment=False, content_type=document.content_type)
