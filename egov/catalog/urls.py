"""Web pages of this app (mounted at the site root by egov/urls.py)."""

from django.urls import path

from egov.catalog import views

app_name = "catalog"

urlpatterns = [
    path("thu-tuc/", views.procedure_list, name="list"),
    path("thu-tuc/thong-ke/", views.statistics, name="stats"),
    path("thu-tuc/quan-tri/xuat.xlsx", views.export_xlsx, name="export_xlsx"),
    path("thu-tuc/quan-tri/xuat-csv.zip", views.export_csv, name="export_csv"),
    path("thu-tuc/quan-tri/nhap/", views.import_upload, name="import"),
    path("thu-tuc/quan-tri/nhap/<uuid:job_id>/", views.import_job, name="import_job"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="detail"),
    path("thu-tuc/<str:code>/mau/<int:component_id>/", views.template_download, name="template"),
]
