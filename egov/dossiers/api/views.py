"""Dossier list, queues, detail and creation (reception at the desk, online submission)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from egov.core.inputs import QueryParams
from egov.dossiers import queries, rules, services
from egov.dossiers.api import output
from egov.dossiers.api.common import (
    agency_by_code,
    component_inputs,
    created_response,
    detail_response,
    document,
)
from egov.dossiers.api.serializers import (
    DossierDetailSerializer,
    DossierListItemSerializer,
    QueueCountSerializer,
    ReceiveSerializer,
    SubmitOnlineSerializer,
)
from egov.dossiers.lifecycle import Status


class DossierCollection(generics.ListAPIView):
    """GET: dossiers the caller may see: one queue (ordered by due date) or a search
    (newest first), paginated with ``limit`` / ``offset``.

    POST: a desk officer receives a paper dossier at the counter or by post: outcome
    ``complete`` (form 01), ``incomplete`` (form 02, ``missing`` component ids) or
    ``refused`` (form 03, ``reason``). JSON, or multipart with the JSON document in the
    part ``data`` and scans in the parts ``components[i].file``."""

    serializer_class = DossierListItemSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("queue", str, enum=list(queries.QUEUES), description="one queue"),
            OpenApiParameter("q", str, description="code prefix, applicant name, ID or tax number"),
            OpenApiParameter("procedure", str, description="procedure code"),
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("from", OpenApiTypes.DATE, description="submitted on or after"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="submitted on or before"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReceiveSerializer,
        responses={201: DossierDetailSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    @idempotent
    def post(self, request):
        data = ReceiveSerializer.check(document(request))
        processing = data.get("processing_agency")
        if data["outcome"] != "refused":
            warnings = services.reception_warnings(
                actor=request.user,
                procedure_code=data["procedure"],
                applicant=dict(data["applicant"]),
            )
            rules.check_warnings_confirmed(warnings, data["confirm_warnings"])
        dossier = services.receive(
            actor=request.user,
            procedure_code=data["procedure"],
            channel=data["channel"],
            applicant=dict(data["applicant"]),
            components=component_inputs(data["components"], request.FILES),
            outcome=data["outcome"],
            processing_agency=agency_by_code(processing, "processing_agency")
            if processing
            else None,
            missing=data["missing"],
            reason=data["reason"],
            summary=data["summary"],
            sets=data["sets"],
        )
        return created_response(request.user, dossier)

    def get_queryset(self):
        params = QueryParams(self.request.query_params)
        actor = self.request.user
        filters = {
            "text": params.text("q"),
            "procedure": params.text("procedure"),
            "status": params.choice("status", Status.values),
            "date_from": params.date("from"),
            "date_to": params.date("to"),
        }
        name = params.choice("queue", queries.QUEUES)
        params.check()
        if not name:
            return queries.search(actor, **filters)
        extra = None
        if any(filters.values()):
            extra = Q(pk__in=queries.search(actor, **filters).values("pk"))
        return queries.queue(actor, name, extra=extra)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset().only(*output.LIST_COLUMNS))
        queries.attach(page, rows=True)
        if queries.searches_identity(request.query_params.get("q", "")):
            services.record_search_read(actor=request.user, shown=page, count=self.paginator.count)
        return self.get_paginated_response([output.list_item(d) for d in page])


class QueueCounts(APIView):
    """How many dossiers wait in each of the caller's queues (one query)."""

    @extend_schema(responses=QueueCountSerializer(many=True))
    def get(self, request):
        counts = queries.queue_counts(request.user)
        return Response(
            [
                {
                    "name": name,
                    "label": label,
                    "label_en": queries.QUEUES_EN[name],
                    "count": counts.get(name) or 0,
                }
                for name, label in queries.QUEUES.items()
            ]
        )


class DossierDetail(APIView):
    """One dossier with its components, history, inter-agency parts, consultations,
    result files and the actions the lifecycle allows next. ``ETag`` = its version:
    send it back as ``If-Match`` with the next action. Outside the caller's scope: 404."""

    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request, code: str):
        return detail_response(
            request.user, code, if_none_match=request.headers.get("If-None-Match")
        )


class OnlineSubmission(APIView):
    """A citizen or business account submits a dossier online (national status 1,
    waiting for the desk of ``receiving_agency``)."""

    @extend_schema(
        request=SubmitOnlineSerializer,
        responses={201: DossierDetailSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
    )
    @idempotent
    def post(self, request):
        data = SubmitOnlineSerializer.check(document(request))
        processing = data.get("processing_agency")
        dossier = services.submit_online(
            actor=request.user,
            procedure_code=data["procedure"],
            receiving_agency=agency_by_code(data["receiving_agency"], "receiving_agency"),
            processing_agency=agency_by_code(processing, "processing_agency")
            if processing
            else None,
            applicant=dict(data["applicant"]),
            components=component_inputs(data["components"], request.FILES),
            summary=data["summary"],
            representative=data["representative"],
            form_data=dict(data["form_data"]),
        )
        return created_response(request.user, dossier)
