from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from egov.core import views as core_views
from egov.portal.views.mine import home as portal_home

handler400 = "egov.core.views.bad_request"
handler403 = "egov.core.views.permission_denied"
handler404 = "egov.core.views.page_not_found"
handler500 = "egov.core.views.server_error"

urlpatterns = [
    path("", portal_home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("egov.core.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The busiest routes first: Django tries the patterns in order.
    path("api/v1/", include("egov.dossiers.api_urls")),
    path("", include("egov.gateway.urls")),  # the gateway's proxy: machine-to-machine calls
    path("api/v1/", include("egov.core.api_urls")),
    path("api/v1/", include("egov.directory.api_urls")),
    path("api/v1/", include("egov.workdays.api_urls")),
    path("api/v1/", include("egov.catalog.api_urls")),
    path("api/v1/", include("egov.signing.api_urls")),
    path("api/v1/", include("egov.gateway.api_urls")),
    path("", include("egov.workdays.urls")),
    path("", include("egov.catalog.urls")),
    path("", include("egov.payments.urls")),
    path("", include("egov.signing.urls")),
    path("", include("egov.portal.urls")),
    path("", include("egov.notifications.urls")),
    path("", include("egov.national.urls")),  # the national portal delivers dossiers (#16)
    path("", include("egov.portal.account_urls")),  # accounts and SSO login (#14)
    path("", include("egov.dossiers.urls")),
    path("", include("egov.dossiers.public_urls")),
]

if settings.SERVE_STATIC:
    # One machine needs no web server in front: the app serves its own assets.
    urlpatterns += [
        re_path(r"^static/(?P<path>.*)$", core_views.static_file),
    ]
# No route serves MEDIA_ROOT: stored files hold personal data and go out only through
# views that check the access policy and audit the read (egov.dossiers.views.files).
