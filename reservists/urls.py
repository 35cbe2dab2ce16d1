from django.urls import path

from . import views

app_name = "reservists"
urlpatterns = [
    path("", views.ReservistListView.as_view(), name="list"),
    path("new/", views.ReservistCreateView.as_view(), name="create"),
    path("export.csv", views.ReservistExportView.as_view(), name="export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/jobs/<int:pk>/", views.import_job, name="import-job"),
    path("import/template/<str:kind>.<str:fmt>", views.import_template, name="import-template"),
    path("moves/", views.MoveQueueView.as_view(), name="move-queue"),
    path("moves/<int:pk>/decide/", views.MoveDecideView.as_view(), name="move-decide"),
    path("<int:pk>/", views.ReservistDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ReservistUpdateView.as_view(), name="update"),
    path("<int:pk>/service-records/new/", views.ServiceRecordCreateView.as_view(), name="service-record-create"),
    path("<int:pk>/priority-grants/new/", views.PriorityGrantCreateView.as_view(), name="grant-create"),
    path("<int:pk>/move/", views.MoveCreateView.as_view(), name="move-create"),
]
