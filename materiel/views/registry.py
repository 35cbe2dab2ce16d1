"""Registry pages: the resource list (keyset, for half a million rows), a resource, new and edit, the kinds."""

from django.urls import reverse
from django.views.generic import ListView

from core.views import ScopedCreateView, ScopedDetailView, ScopedUpdateView
from core.views.base import PortalPermissionMixin

from ..filters import ResourceFilter
from ..forms import ResourceForm
from ..models import Kind, Resource
from ..paging import newest


class ResourceListView(PortalPermissionMixin, ListView):
    model = Resource
    permission_required = "materiel.view_resource"
    template_name = "materiel/resource_list.html"

    def get_queryset(self):
        # Scoped in get_context_data (materiel.paging.newest), the same rows as Resource.objects.for_user.
        queryset = Resource.objects.select_related("kind", "township__parent", "owner_organisation")
        self.filterset = ResourceFilter(self.request.GET or None, queryset=queryset, request=self.request)
        if self.filterset.is_bound and self.filterset.is_valid():
            queryset = self.filterset.qs
        return queryset

    def get_context_data(self, **kwargs):
        after = self.request.GET.get("after")
        rows, next_after = newest(
            self.object_list, self.request.user, after=int(after) if after and after.isdigit() else None
        )
        context = super().get_context_data(object_list=rows, **kwargs)
        context.update(rows=rows, next_after=next_after, filterset=self.filterset)
        context["can_add"] = self.request.user.has_perm("materiel.add_resource")
        return context


class ResourceDetailView(ScopedDetailView):
    model = Resource
    permission_required = "materiel.view_resource"
    template_name = "materiel/resource_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "township__parent", "owner_organisation", "cip_asset")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.has_perm("materiel.change_resource")
        context["notices"] = self.object.notices.select_related("requisition").order_by("-id")[:20]
        return context


class ResourceCreateView(ScopedCreateView):
    model = Resource
    form_class = ResourceForm
    permission_required = "materiel.add_resource"
    template_name = "materiel/form.html"

    def get_success_url(self):
        return reverse("materiel:resource-detail", args=[self.object.pk])


class ResourceUpdateView(ScopedUpdateView):
    model = Resource
    form_class = ResourceForm
    permission_required = "materiel.change_resource"
    template_name = "materiel/form.html"

    def get_success_url(self):
        return reverse("materiel:resource-detail", args=[self.object.pk])


class KindListView(PortalPermissionMixin, ListView):
    model = Kind
    permission_required = "materiel.view_kind"
    template_name = "materiel/kind_list.html"
    queryset = Kind.objects.order_by("sort_order", "code")
