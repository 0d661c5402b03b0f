"""Routes of the notifications app (mounted at the site root, in the workspace)."""

from django.urls import path

from egov.notifications import views

app_name = "notifications"

urlpatterns = [
    path(
        "mot-cua/ho-so/<str:code>/thong-bao/",
        views.dossier_notifications,
        name="dossier",
    ),
]
