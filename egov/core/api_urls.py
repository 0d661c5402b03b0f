from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from egov.core import api

urlpatterns = [
    path("ping", api.PingView.as_view(), name="api-ping"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api.ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("outbox/events/<int:pk>/redrive", api.RedriveView.as_view(), name="api-outbox-redrive"),
]
