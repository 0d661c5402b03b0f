"""Routes of the citizen portal. Personal pages live under ``/ca-nhan/`` ("personal")."""

from django.urls import path

from egov.portal.views import apply, mine

app_name = "portal"

urlpatterns = [
    path("nop-truc-tuyen/<str:code>/", apply.start, name="start"),
    path("ca-nhan/nop/<uuid:pk>/nop/", apply.submit, name="submit"),
    path("ca-nhan/nop/<uuid:pk>/xoa/", apply.discard, name="discard"),
    path("ca-nhan/nop/<uuid:pk>/tep/<int:component_id>/", apply.attached_file, name="file"),
    path("ca-nhan/nop/<uuid:pk>/<slug:step>/", apply.apply, name="apply"),
    path("ca-nhan/ho-so/", mine.mine, name="mine"),
    path("ca-nhan/ho-so/<str:code>/", mine.dossier, name="dossier"),
    path("ca-nhan/ho-so/<str:code>/hanh-dong/<str:key>/", mine.action, name="action"),
    path("ca-nhan/ho-so/<str:code>/danh-gia/", mine.rate, name="rate"),
]
