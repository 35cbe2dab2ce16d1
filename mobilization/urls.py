from django.urls import path

from . import views
from .notices import views as notice_views

app_name = "mobilization"
urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order-create"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", views.OrderUpdateView.as_view(), name="order-edit"),
    path("orders/<int:pk>/approval/", views.ApprovalView.as_view(), name="order-approval"),
    path("orders/<int:pk>/do/<str:name>/", views.order_action, name="order-action"),
    path("orders/<int:pk>/candidates/<str:name>/", views.candidate_change, name="candidate-change"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
    path("notices/batches/<int:pk>/download/", notice_views.batch_download, name="notice-batch-download"),
]
