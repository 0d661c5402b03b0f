from django.urls import path

from egov.portal import sso_views

# Included by egov.portal.account_urls (one include in egov/urls.py for both).
urlpatterns = [
    path("sso/dang-nhap/", sso_views.SsoLoginView.as_view(), name="sso_login"),
    path("sso/callback/", sso_views.SsoCallbackView.as_view(), name="sso_callback"),
]
