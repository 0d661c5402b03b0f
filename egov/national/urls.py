from django.urls import path

from egov.national import views

app_name = "national"
urlpatterns = [
    path("national/inbound/dossiers", views.inbound_dossier, name="inbound_dossier"),
]
