from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.inputs import QueryParams
from egov.directory import queries, services
from egov.directory.models import Agency


class AgencySerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "tier",
            "parent",
            "address",
            "valid_from",
            "valid_to",
            "successor",
        ]


class AgencyList(generics.ListAPIView):
    """Agencies the caller may see (their province), optionally those in force on a date."""

    serializer_class = AgencySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("in_force_on", OpenApiTypes.DATE, description="in force on"),
            OpenApiParameter("tier", str, description="tier code, e.g. district"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = QueryParams(self.request.query_params)
        on = params.date("in_force_on")
        tier = params.text("tier")
        params.check()
        qs = queries.agencies_for(self.request.user, in_force_on=on)
        if tier:
            qs = qs.filter(tier__code=tier)
        return qs


class AgencyDetail(generics.RetrieveAPIView):
    serializer_class = AgencySerializer
    lookup_field = "code"

    def get_queryset(self):
        return queries.agencies_for(self.request.user)


class ApplicantPersonalDataSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    kind = serializers.CharField()
    id_number = serializers.CharField()
    tax_code = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    address = serializers.CharField()


class ApplicantPersonalData(APIView):
    """An applicant's identifying data. Every call is written to the audit log."""

    @extend_schema(responses=ApplicantPersonalDataSerializer)
    def get(self, request, pk: int):
        profile = get_object_or_404(queries.applicants_for(request.user), pk=pk)
        data = services.read_applicant_personal_data(actor=request.user, profile=profile)
        return Response(ApplicantPersonalDataSerializer(data).data)
