from django.urls import path

from .views import candidates, lifecycle, notices, orders, policy, programme, worklist

app_name = "mobilization"
urlpatterns = [
    path("programmes/", programme.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<int:pk>/", programme.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<int:pk>/do/<str:name>/", programme.programme_action, name="programme-action"),
    path("orders/<int:pk>/leave/", programme.LeaveRosterView.as_view(), name="order-leave"),
    path("orders/", orders.OrderListView.as_view(), name="order-list"),
    path("orders/new/", orders.OrderCreateView.as_view(), name="order-create"),
    # The order page (views/orders.py): candidate review, the steps check() allows, the notices panel.
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", orders.OrderUpdateView.as_view(), name="order-edit"),
    path("orders/<int:pk>/approval/", orders.ApprovalView.as_view(), name="order-approval"),
    path("orders/<int:pk>/do/<str:name>/", orders.order_action, name="order-action"),
    path("orders/<int:pk>/candidates/<str:name>/", candidates.candidate_change, name="candidate-change"),
    path("policy/", policy.PolicyView.as_view(), name="policy"),
    # Notices
    path("orders/<int:pk>/issue/", orders.IssueView.as_view(), name="order-issue"),
    path("orders/<int:pk>/notices/", notices.OrderNoticeListView.as_view(), name="order-notices"),
    path("orders/<int:pk>/notices/deliver/", notices.BulkDeliverView.as_view(), name="order-notices-deliver"),
    path("orders/<int:pk>/batches/", notices.BatchListView.as_view(), name="order-batches"),
    path("orders/<int:pk>/attendance/upload/", notices.AttendanceUploadView.as_view(), name="attendance-upload"),
    path(
        "orders/<int:pk>/attendance/upload/<int:job_id>/",
        notices.AttendanceUploadView.as_view(),
        name="attendance-upload-result",
    ),
    path("attendance/template.<str:fmt>", notices.AttendanceTemplateView.as_view(), name="attendance-template"),
    path("orders/<int:pk>/no-shows/", notices.NoShowListView.as_view(), name="order-no-shows"),
    path("orders/<int:pk>/no-shows.csv", notices.NoShowCsvView.as_view(), name="order-no-shows-csv"),
    path("notices/", worklist.NoticeWorklistView.as_view(), name="notice-worklist"),
    path("notices/<int:pk>/", notices.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/pdf/", notices.NoticePdfView.as_view(), name="notice-pdf"),
    path("notices/<int:pk>/do/<str:name>/", notices.NoticeActionView.as_view(), name="notice-action"),
    path("notices/batches/<int:pk>/download/", notices.batch_download, name="notice-batch-download"),
    path("postponements/", notices.PostponementListView.as_view(), name="postponement-list"),
    path(
        "postponements/<int:pk>/<str:decision>/",
        notices.PostponementDecisionView.as_view(),
        name="postponement-decide",
    ),
    # The end of the call-up (views/lifecycle.py): exemption, replacement, recall, correction, closing, no-shows.
    path("notices/<int:pk>/step/<str:name>/", lifecycle.NoticeStepView.as_view(), name="notice-step"),
    path("orders/<int:pk>/step/<str:name>/", lifecycle.OrderStepView.as_view(), name="order-step"),
    path("exemptions/", lifecycle.ExemptionListView.as_view(), name="exemption-list"),
    path("exemptions/<int:pk>/<str:decision>/", lifecycle.ExemptionDecisionView.as_view(), name="exemption-decide"),
    path("exemption-documents/<int:pk>/", lifecycle.ExemptionDocumentView.as_view(), name="exemption-document"),
    path("changes/<int:pk>/<str:decision>/", lifecycle.ChangeDecisionView.as_view(), name="change-decide"),
    path("changes/<int:pk>/letters/<str:township>.pdf", lifecycle.ChangeLettersView.as_view(), name="change-letters"),
    path("no-show-cases/", lifecycle.CaseListView.as_view(), name="case-list"),
    path("no-show-cases.csv", lifecycle.CaseCsvView.as_view(), name="case-csv"),
    path("no-show-cases/<int:pk>/", lifecycle.CaseDetailView.as_view(), name="case-detail"),
    path("no-show-cases/<int:pk>/referral.pdf", lifecycle.CaseReferralView.as_view(), name="case-referral"),
]
