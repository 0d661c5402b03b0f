"""Public API of the catalogue: /api/v1/procedures/ (list, search, filter), detail by
code, and the level statistics. No login needed; only versions in force are shown."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.catalog import queries, stats
from egov.catalog.models import ProcedureVersion
from egov.core.inputs import Pagination, QueryParams


class FieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureListSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="procedure.code")
    version = serializers.IntegerField(source="number")
    field = FieldSerializer()
    tiers = serializers.SerializerMethodField()
    fully_online = serializers.BooleanField()

    class Meta:
        model = ProcedureVersion
        fields = [
            "code",
            "name",
            "version",
            "effective_from",
            "field",
            "tiers",
            "time_amount",
            "time_unit",
            "same_day",
            "service_level",
            "online_class",
            "fully_online",
        ]

    def get_tiers(self, obj) -> list[str]:
        return [t.code for t in obj.tiers.all()]


class ComponentSerializer(serializers.Serializer):
    name = serializers.CharField()
    originals = serializers.IntegerField()
    certified_copies = serializers.IntegerField()
    photocopies = serializers.IntegerField()
    mandatory = serializers.BooleanField()
    reusable = serializers.BooleanField()
    template_url = serializers.SerializerMethodField()

    def get_template_url(self, obj) -> str | None:
        if not obj.template:
            return None
        from django.urls import reverse

        url = reverse("catalog:template", args=[obj.version.procedure.code, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField(help_text="VND")
    collector = serializers.CharField()
    payable_online = serializers.BooleanField()
    collected_on_return = serializers.BooleanField(
        help_text="collected by the desk when the result is returned"
    )
    note = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()


class ParticipantSerializer(serializers.Serializer):
    is_lead = serializers.BooleanField()
    agency_name = serializers.CharField()
    agency = serializers.CharField(source="agency.code", default=None, allow_null=True)
    tier = serializers.CharField(source="tier.code", default=None, allow_null=True)
    task = serializers.CharField()
    time_share = serializers.DecimalField(max_digits=7, decimal_places=2)


class StepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.CharField()
    hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    actions = serializers.ListField(child=serializers.CharField())
    is_final = serializers.BooleanField()


class WorkflowSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.code", default=None, allow_null=True)
    tier = serializers.CharField(source="tier.code", default=None, allow_null=True)
    steps = StepSerializer(many=True)


class ProcedureDetailSerializer(ProcedureListSerializer):
    agencies = serializers.SerializerMethodField()
    applicant_types = serializers.SerializerMethodField()
    channels = serializers.SerializerMethodField()
    components = ComponentSerializer(many=True)
    fees = FeeSerializer(many=True)
    results = ResultSerializer(many=True)
    participants = ParticipantSerializer(many=True)
    workflows = WorkflowSerializer(many=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "cutoff_15h",
            "agencies",
            "legal_basis",
            "applicant_types",
            "channels",
            "description",
            "components",
            "fees",
            "results",
            "participants",
            "workflows",
        ]

    def get_agencies(self, obj) -> list[dict[str, str]]:
        return [{"code": a.code, "name": a.name} for a in obj.agencies.all()]

    def get_applicant_types(self, obj) -> list[str]:
        return [
            t for t, on in (("citizen", obj.for_citizens), ("business", obj.for_businesses)) if on
        ]

    def get_channels(self, obj) -> list[str]:
        return [
            c
            for c, on in (
                ("counter", obj.channel_counter),
                ("post", obj.channel_post),
                ("online", obj.channel_online),
            )
            if on
        ]


_FILTERS = [
    OpenApiParameter(
        "q",
        str,
        description="Tên hoặc mã, không phân biệt dấu và hoa thường "
        "(name or code; accents and case ignored)",
    ),
    OpenApiParameter(
        "search",
        str,
        description="Tên khác của q (alias of q, the usual name in DRF APIs); q wins if both",
    ),
    OpenApiParameter("agency", str, description="Mã cơ quan thực hiện (agency code)"),
    OpenApiParameter("field", str, description="Mã lĩnh vực (field code)"),
    OpenApiParameter("tier", str, description="Mã cấp: province, department, district, commune"),
    OpenApiParameter(
        "level", int, enum=[1, 2, 3, 4], description="Mức độ DVC 1-4 (Decree 43/2011)"
    ),
    OpenApiParameter(
        "online",
        str,
        enum=["full", "partial"],
        description="toàn trình (full) / một phần (partial), Decree 42/2022",
    ),
]


def read_filters(params, *, blank: bool = False) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The filters of a request (the page and the API take the same parameters) and
    what is wrong with them. ``search`` is accepted for ``q``: it is the usual name in
    DRF APIs, and an unknown parameter would silently return the whole catalogue."""
    query = QueryParams(params, blank=blank)
    level = query.integer("level", minimum=1, maximum=4)
    filters = {
        "q": query.text("q") or query.text("search"),
        "agency": query.text("agency"),
        "field": query.text("field"),
        "tier": query.text("tier"),
        "level": str(level) if level else "",
        "online": query.choice("online", ["full", "partial"]),
    }
    return filters, query.errors


def filters_from(params) -> dict[str, str]:
    """The API's filters: 400 ``validation_error`` naming every bad parameter."""
    filters, errors = read_filters(params)
    if errors:
        raise exceptions.ValidationError(errors)
    return filters


class SearchPagination(Pagination):
    default_limit = 20
    max_limit = 100


class ProcedureList(generics.ListAPIView):
    """The public catalogue: procedures in force, searchable and filterable."""

    # 20 a page by default, ``limit`` up to 100 (SearchPagination).

    permission_classes = [AllowAny]
    serializer_class = ProcedureListSerializer
    pagination_class = SearchPagination

    @extend_schema(parameters=_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return queries.search(queries.catalogue(), **filters_from(self.request.query_params))

    def list(self, request, *args, **kwargs):
        # The narrow CatalogEntry table, plain rows rather than model instances and
        # serializers, and no count when the page shows it: together they cut the
        # time of a search by more than half (bench/bench_catalog.py).
        pager = self.paginator
        pager.request = request
        pager.limit = pager.get_limit(request)
        pager.offset = pager.get_offset(request)
        pager.count, rows = queries.search_page(
            filters_from(request.query_params), offset=pager.offset, limit=pager.limit
        )
        return pager.get_paginated_response([_list_item(r) for r in rows])


def _list_item(r: dict) -> dict:
    """The shape of ProcedureListSerializer, from a row of queries.search_page."""
    return {
        "code": r["code"],
        "name": r["name"],
        "version": r["number"],
        "effective_from": r["effective_from"].isoformat(),
        "field": {"code": r["field_code"], "name": r["field_name"]},
        "tiers": r["tier_codes"].split(),
        "time_amount": f"{r['time_amount']:.2f}",
        "time_unit": r["time_unit"],
        "same_day": r["same_day"],
        "service_level": r["service_level"],
        "online_class": r["online_class"],
        "fully_online": r["online_class"] == "full" or r["service_level"] == 4,
    }


class ProcedureDetail(APIView):
    """One procedure as in force today: components, fees, time, where to apply."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ProcedureDetailSerializer)
    def get(self, request, code: str):
        version = queries.public_detail(code)
        if version is None:
            raise Http404
        return Response(ProcedureDetailSerializer(version, context={"request": request}).data)


class LevelStats(APIView):
    """Share of procedures offered at online service level 3, level 4 and fully
    online ("toàn trình"), per level of government, tier and agency."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(stats.level_stats())
