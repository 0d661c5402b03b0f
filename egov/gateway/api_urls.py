from django.urls import path

from egov.gateway import views

urlpatterns = [
    path("gateway/monitor", views.MonitorView.as_view(), name="api-gateway-monitor"),
]
