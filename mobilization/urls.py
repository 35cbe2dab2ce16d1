from django.urls import include, path

from . import views
from .notices import views as notice_views

app_name = "mobilization"
urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/new/", views.OrderCreateView.as_view(), name="order-create"),
    # The order page with its notices section (the view adds the issue button and links to views.OrderDetailView).
    path("orders/<int:pk>/", notice_views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", views.OrderUpdateView.as_view(), name="order-edit"),
    path("orders/<int:pk>/approval/", views.ApprovalView.as_view(), name="order-approval"),
    path("orders/<int:pk>/do/<str:name>/", views.order_action, name="order-action"),
    path("orders/<int:pk>/candidates/<str:name>/", views.candidate_change, name="candidate-change"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
    # Notices
    path("orders/<int:pk>/issue/", notice_views.IssueView.as_view(), name="order-issue"),
    path("orders/<int:pk>/notices/", notice_views.OrderNoticeListView.as_view(), name="order-notices"),
    path("orders/<int:pk>/notices/deliver/", notice_views.BulkDeliverView.as_view(), name="order-notices-deliver"),
    path("orders/<int:pk>/batches/", notice_views.BatchListView.as_view(), name="order-batches"),
    path("orders/<int:pk>/attendance/upload/", notice_views.AttendanceUploadView.as_view(), name="attendance-upload"),
    path(
        "orders/<int:pk>/attendance/upload/<int:job_id>/",
        notice_views.AttendanceUploadView.as_view(),
        name="attendance-upload-result",
    ),
    path("attendance/template.<str:fmt>", notice_views.AttendanceTemplateView.as_view(), name="attendance-template"),
    path("orders/<int:pk>/no-shows/", notice_views.NoShowListView.as_view(), name="order-no-shows"),
    path("orders/<int:pk>/no-shows.csv", notice_views.NoShowCsvView.as_view(), name="order-no-shows-csv"),
    path("notices/<int:pk>/", notice_views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/pdf/", notice_views.NoticePdfView.as_view(), name="notice-pdf"),
    path("notices/<int:pk>/do/<str:name>/", notice_views.NoticeActionView.as_view(), name="notice-action"),
    path("notices/batches/<int:pk>/download/", notice_views.batch_download, name="notice-batch-download"),
    path("postponements/", notice_views.PostponementListView.as_view(), name="postponement-list"),
    path(
        "postponements/<int:pk>/<str:decision>/",
        notice_views.PostponementDecisionView.as_view(),
        name="postponement-decide",
    ),
    # The end of the call-up: exemption, replacement, recall, correction, closing, no-show cases.
    path("", include("mobilization.lifecycle.urls")),
]
