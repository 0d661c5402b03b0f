from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.errors import DomainError
from egov.core.inputs import QueryParams
from egov.core.permissions import Action, scope
from egov.directory import queries, rules, services
from egov.directory.models import Agency, ApplicantProfile
from egov.dossiers.models import Dossier


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
    """An applicant's identifying data, by need: an officer names the dossier (in their
    scope) through which they read it (``?dossier=<code>``), or, at the desk or as an
    auditor, the reason of a counter look-up (``?reason=...``, recorded); an applicant
    reads their own. Without a purpose: 403 ``personal_data_purpose_required``. Every
    answer writes one audit entry."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "dossier", str, description="code of a dossier in your scope filed by this person"
            ),
            OpenApiParameter(
                "reason",
                str,
                description=(
                    "counter look-up (desk officers, auditors): why, "
                    f"{rules.LOOKUP_REASON_MIN}-{rules.LOOKUP_REASON_MAX} characters, audited"
                ),
            ),
        ],
        responses=ApplicantPersonalDataSerializer,
    )
    def get(self, request, pk: int):
        params = request.query_params
        code, reason = params.get("dossier", "").strip(), params.get("reason", "")
        profile = ApplicantProfile.objects.select_related("user").filter(pk=pk).first()
        dossier = None
        if profile is None or profile.user_id != request.user.pk:
            # Refused before anything about the person is told (ids are sequential).
            rules.check_personal_data_purpose(code, reason)
            if code:
                dossier = scope(request.user, Action.VIEW, Dossier.objects.filter(code=code))
                dossier = dossier.first()
                rules.check_dossier_in_scope(dossier)
                rules.check_applicant_of_dossier(profile, dossier)
        if profile is None:
            raise NotFound()
        data = services.read_applicant_personal_data(
            actor=request.user, profile=profile, dossier=dossier, reason=reason
        )
        return Response(ApplicantPersonalDataSerializer(data).data)


class ApplicantLookup(APIView):
    """Counter look-up ("tra cứu tại quầy"): a desk officer (or an auditor) finds the
    account of the person at the counter by their ID card number, before reception,
    stating why (``reason``, recorded in the audit entry). No such account: 404
    ``applicant_not_found``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("id_number", str, required=True, description="CCCD, 12 digits"),
            OpenApiParameter(
                "reason",
                str,
                required=True,
                description=(
                    f"why, {rules.LOOKUP_REASON_MIN}-{rules.LOOKUP_REASON_MAX} characters, audited"
                ),
            ),
        ],
        responses=ApplicantPersonalDataSerializer,
    )
    def get(self, request):
        params = request.query_params
        data = services.look_up_applicant(
            actor=request.user,
            id_number=params.get("id_number", "").strip(),
            reason=params.get("reason", ""),
        )
        if data is None:
            raise DomainError(
                "applicant_not_found",
                "Không có tài khoản công dân với số CCCD này.",
                "No citizen account has this ID number.",
                field="id_number",
                status=404,
            )
        return Response(ApplicantPersonalDataSerializer(data).data)
