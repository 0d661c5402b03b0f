"""Routes of the receipts, under the dossier's page."""

from django.urls import path

from egov.payments import views

app_name = "payments"
urlpatterns = [
    path("mot-cua/ho-so/<str:code>/bien-lai/<str:number>/", views.receipt_html, name="receipt"),
    path(
        "mot-cua/ho-so/<str:code>/bien-lai/<str:number>/pdf",
        views.receipt_pdf,
        name="receipt_pdf",
    ),
]
