"""The gateway monitor for the province administrator and the auditor: a page and
the same figures as JSON (``GET /api/v1/gateway/monitor``)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.gateway import queries
from egov.gateway.admin import may_read


def monitor_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read(request.user):
        raise PermissionDenied
    return render(request, "gateway/monitor.html", {"monitor": queries.monitor()})


class MayReadMonitor(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_read(request.user)


class MonitorView(APIView):
    """Per provider and client: calls, error rate, latency p50/p95/p99, circuit
    state, outbox depth, oldest pending event and dead letters (docs/gateway.md)."""

    permission_classes = [MayReadMonitor]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="gateway_monitor")
    def get(self, request):
        return Response(queries.monitor())
