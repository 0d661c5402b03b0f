"""Routes of the printed forms, included from egov/dossiers/urls.py."""

from django.urls import path

from egov.dossiers.forms import views

urlpatterns = [
    path("ho-so/<str:code>/mau/<str:form_no>/", views.form_html, name="form"),
    path("ho-so/<str:code>/mau/<str:form_no>/pdf", views.form_pdf, name="form_pdf"),
    path("so-theo-doi-ho-so/", views.register, name="register"),
]
