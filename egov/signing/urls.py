"""Routes of the signing pages."""

from django.urls import path

from egov.signing import form_views, trust_views, views

app_name = "signing"
urlpatterns = [
    path("xac-thuc-chu-ky-so/", views.verify_page, name="verify_page"),
    path("mot-cua/ky-so/hang-loat/", views.batch_page, name="batch"),
    path("mot-cua/ky-so/hang-loat/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("mot-cua/ky-so/cau-hinh/", trust_views.trust_page, name="trust"),
    path("mot-cua/ky-so/mau/<str:code>/<str:form_no>/", form_views.sign_form, name="sign_form"),
]
