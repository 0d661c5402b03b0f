"""Routes of the dossiers app (mounted at the site root): the officer workspace."""

from django.urls import include, path

from egov.dossiers.views import files, pages, reception

app_name = "dossiers"

urlpatterns = [
    path("mot-cua/", pages.home, name="workspace"),
    path("mot-cua/hang-doi/<str:name>/", pages.queue_list, name="queue"),
    path("mot-cua/tim-kiem/", pages.search, name="search"),
    path("mot-cua/tiep-nhan/", reception.reception, name="reception"),
    path("mot-cua/tiep-nhan/thanh-phan/", reception.checklist, name="checklist"),
    path("mot-cua/tiep-nhan/thu-tuc/", reception.procedure_options, name="procedure_options"),
    path("mot-cua/ho-so/<str:code>/", pages.dossier_page, name="dossier"),
    path("mot-cua/ho-so/<str:code>/thao-tac/<str:key>/", pages.dossier_action, name="action"),
    # Stored files, through the access policy and the audit log (never /media/).
    path("tep/thanh-phan/<int:pk>/", files.component_file, name="component_file"),
    path("tep/ket-qua/<int:pk>/", files.result_file, name="result_file"),
    # Printable forms 01-06 (egov.dossiers.forms): ho-so/<code>/mau/<form_no>/[pdf].
    path("", include("egov.dossiers.forms.urls")),
]
