"""Routes of the receipts, under the dossier's page, and of the citizen's online
payment (``/thanh-toan/``)."""

from django.urls import path

from egov.payments import online_views, views

app_name = "payments"
urlpatterns = [
    path("mot-cua/ho-so/<str:code>/bien-lai/<str:number>/", views.receipt_html, name="receipt"),
    path(
        "mot-cua/ho-so/<str:code>/bien-lai/<str:number>/pdf",
        views.receipt_pdf,
        name="receipt_pdf",
    ),
    # The platform's callback first: "thong-bao" is no dossier code.
    path("thanh-toan/thong-bao/", online_views.online_callback, name="online_callback"),
    path("thanh-toan/<str:code>/", online_views.pay_online, name="pay_online"),
    path(
        "thanh-toan/<str:code>/ket-qua/<str:reference>/",
        online_views.online_return,
        name="online_return",
    ),
    path(
        "thanh-toan/<str:code>/bien-lai/<str:number>/",
        online_views.citizen_receipt,
        name="citizen_receipt",
    ),
    path(
        "thanh-toan/<str:code>/bien-lai/<str:number>/pdf",
        online_views.citizen_receipt_pdf,
        name="citizen_receipt_pdf",
    ),
]
