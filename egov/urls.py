from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from egov.core import views as core_views

# An unknown address under /api/ answers the API's JSON error format, a page Django's.
handler404 = "egov.core.api.not_found"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("egov.core.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The busiest routes first: Django tries the patterns in order.
    path("api/v1/", include("egov.dossiers.api_urls")),
    path("api/v1/", include("egov.core.api_urls")),
    path("api/v1/", include("egov.directory.api_urls")),
    path("api/v1/", include("egov.workdays.api_urls")),
    path("api/v1/", include("egov.catalog.api_urls")),
    path("", include("egov.workdays.urls")),
    path("", include("egov.catalog.urls")),
    path("", include("egov.dossiers.urls")),
    path("", include("egov.dossiers.public_urls")),
]

if settings.SERVE_STATIC:
    # One machine needs no web server in front: the app serves its own assets.
    urlpatterns += [
        re_path(r"^static/(?P<path>.*)$", core_views.static_file),
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
