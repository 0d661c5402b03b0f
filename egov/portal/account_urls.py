from django.urls import path

from egov.portal import account_views as views
from egov.portal import sso_urls

urlpatterns = [
    path("tai-khoan/dang-ky/", views.register, name="account_register"),
    path("tai-khoan/dang-ky/xac-nhan/", views.register_code, name="account_register_code"),
    path("tai-khoan/ho-so/", views.profile, name="account_profile"),
    *sso_urls.urlpatterns,
]
