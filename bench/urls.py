"""URLs of the benchmark server: every platform URL plus ``POST /bench/insert-one``,
the baseline of the online-submission figure: the least a REST framework endpoint
that writes to the database does (parse JSON, one INSERT, a JSON answer)."""

import uuid

from django.urls import include, path
from django.utils import timezone
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.models import WorkerHeartbeat


class InsertOne(APIView):
    """One row into a simple existing table (core.WorkerHeartbeat, names ``bench-...``;
    the harness deletes them afterwards). No login, hence no CSRF check."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        row = WorkerHeartbeat.objects.create(
            name=f"bench-{uuid.uuid4().hex}", seen_at=timezone.now(), info=request.data
        )
        return Response({"name": row.name}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("bench/insert-one", InsertOne.as_view()),
    path("", include("egov.urls")),
]
