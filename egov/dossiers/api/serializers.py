"""Shapes of the dossier API. Input serializers only check shapes and types; every
business rule stays in ``egov.dossiers.services`` / ``rules``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from egov.core.api import InputSerializer
from egov.dossiers import files as dossier_files
from egov.dossiers.lifecycle import allowed_from
from egov.dossiers.models import Channel, Dossier

# ---------------------------------------------------------------- output


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PersonRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


def _person(user: Any) -> dict[str, str] | None:
    return {"username": user.username, "full_name": user.full_name} if user else None


class DossierListItemSerializer(serializers.ModelSerializer):
    procedure = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    national_status = serializers.IntegerField()
    current_step = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    processing_agency = serializers.CharField(source="processing_agency.code")
    # Declared, not derived from the model: the derived integer bounds differ between
    # SQLite and PostgreSQL, and the committed schema must not.
    version = serializers.IntegerField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "applicant_name",
            "status",
            "status_label",
            "national_status",
            "received_at",
            "due_at",
            "current_step",
            "assignee",
            "processing_agency",
            "version",
        ]

    def get_procedure(self, obj: Dossier) -> ProcedureRefSerializer:
        version = obj.procedure_version
        return {"code": version.procedure.code, "name": version.name}

    def get_current_step(self, obj: Dossier) -> str | None:
        return obj.current_step.name if obj.current_step else None

    def get_assignee(self, obj: Dossier) -> PersonRefSerializer(allow_null=True):
        return _person(obj.assignee)


class DossierComponentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    component_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    originals = serializers.IntegerField()
    certified_copies = serializers.IntegerField()
    photocopies = serializers.IntegerField()
    provided = serializers.BooleanField()
    file = serializers.SerializerMethodField(
        help_text="Đường dẫn tải tệp (kiểm tra quyền, ghi nhật ký) / download link "
        "(access checked, audited); null without a file."
    )
    file_name = serializers.SerializerMethodField(
        help_text="Tên tệp gốc của người gửi / the sender's file name; null without a file."
    )
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    supplement_round = serializers.IntegerField()

    def get_file(self, obj: Any) -> str | None:
        return dossier_files.component_url(obj)

    def get_file_name(self, obj: Any) -> str | None:
        return obj.original_name if obj.file else None


class DossierEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    step_name = serializers.CharField()
    step_due_at = serializers.DateTimeField(allow_null=True)
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
    actor_name = serializers.CharField()
    note = serializers.CharField()
    data = serializers.JSONField()


class DossierTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = AgencyRefSerializer()
    is_lead = serializers.BooleanField()
    task = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    state = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    result_note = serializers.CharField()


class DossierConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = AgencyRefSerializer()
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()


class DossierResultFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    file = serializers.SerializerMethodField(
        help_text="Đường dẫn tải tệp (kiểm tra quyền, ghi nhật ký) / download link "
        "(access checked, audited)"
    )
    file_name = serializers.CharField(
        source="original_name", help_text="Tên tệp gốc / the sender's file name"
    )
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()

    def get_file(self, obj: Any) -> str:
        return dossier_files.result_url(obj)


class ApplicantOutSerializer(serializers.Serializer):
    type = serializers.CharField(source="applicant_type")
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    tax_code = serializers.CharField(source="applicant_tax_code")
    birth_date = serializers.DateField(source="applicant_birth_date", allow_null=True)
    address = serializers.CharField(source="applicant_address")
    province = serializers.CharField(source="applicant_province")
    ward = serializers.CharField(source="applicant_ward")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")


class DossierDetailSerializer(DossierListItemSerializer):
    """The dossier page. ``tasks`` are the inter-agency parts the caller may see
    (context ``tasks``); applicants do not see officers' names in the history."""

    receiving_agency = AgencyRefSerializer()
    processing_agency_name = serializers.CharField(source="processing_agency.name")
    applicant = ApplicantOutSerializer(source="*")
    step_due_at = serializers.DateTimeField(allow_null=True)
    return_channel = serializers.CharField(help_text="counter, post, online or empty")
    outcome = serializers.CharField(help_text="approved, refused or empty")
    sets = serializers.IntegerField()
    form_data = serializers.DictField(
        help_text="the procedure's own fields as the applicant filled them: name -> value"
    )
    fee_due = serializers.IntegerField(help_text="VND")
    fee_paid = serializers.IntegerField(help_text="VND")
    fee_exempted = serializers.IntegerField(help_text="VND exempted (with a recorded reason)")
    fee_outstanding = serializers.IntegerField(
        help_text="VND still owed; the result is returned only when nothing is owed but the "
        "fees the procedure collects on return"
    )
    components = DossierComponentSerializer(many=True)
    events = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    consultations = DossierConsultationSerializer(many=True)
    result_files = DossierResultFileSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DossierListItemSerializer.Meta):
        fields = [
            *DossierListItemSerializer.Meta.fields,
            "channel",
            "outcome",
            "receiving_agency",
            "processing_agency_name",
            "applicant",
            "summary",
            "form_data",
            "sets",
            "fee_due",
            "fee_paid",
            "fee_exempted",
            "fee_outstanding",
            "submitted_at",
            "processing_received_at",
            "original_due_at",
            "extended",
            "paused_at",
            "finished_at",
            "returned_at",
            "return_channel",
            "step_due_at",
            "components",
            "events",
            "tasks",
            "consultations",
            "result_files",
            "allowed_actions",
        ]

    def get_events(self, obj: Dossier) -> DossierEventSerializer(many=True):
        data = DossierEventSerializer(obj.events.all(), many=True).data
        if not self.context.get("show_officers", True):
            for row in data:
                row["actor_name"] = ""
                row["note"] = ""
        return data

    def get_tasks(self, obj: Dossier) -> DossierTaskSerializer(many=True):
        return DossierTaskSerializer(self.context.get("tasks", []), many=True).data

    def get_allowed_actions(self, obj: Dossier) -> list[str]:
        """Transitions the lifecycle allows from the current state (the policy and the
        rules may still refuse them). URL: ``actions/<name with - for _>``."""
        return allowed_from(obj.status)


class QueueCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField()
    count = serializers.IntegerField()


# ---------------------------------------------------------------- input


class ApplicantInSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["citizen", "business"], default="citizen")
    name = serializers.CharField(max_length=255, allow_blank=True)
    id_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    province = serializers.CharField(max_length=100, required=False, allow_blank=True)
    ward = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class ComponentInSerializer(serializers.Serializer):
    """One line of the checklist. In a multipart request, the scanned file of line
    ``i`` is the part named ``components[i].file``."""

    component_id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    originals = serializers.IntegerField(min_value=0, max_value=100, default=0)
    certified_copies = serializers.IntegerField(min_value=0, max_value=100, default=0)
    photocopies = serializers.IntegerField(min_value=0, max_value=100, default=0)
    authorisation = serializers.BooleanField(
        default=False,
        help_text="giấy ủy quyền: the authorisation of a representative (online submission "
        "with representative: true); a line without a name is named 'Giấy ủy quyền'",
    )


class VersionedSerializer(serializers.Serializer):
    """Every action: the dossier version the client acted on (or ``If-Match``)."""

    version = serializers.IntegerField(min_value=1, required=False)


class ReceiveSerializer(InputSerializer):
    """Hồ sơ giấy tiếp nhận tại quầy hoặc qua bưu chính / a paper dossier received at the
    counter or by post."""

    procedure = serializers.CharField(max_length=30)
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="counter or post")
    applicant = ApplicantInSerializer()
    components = ComponentInSerializer(many=True, default=list)
    outcome = serializers.ChoiceField(
        choices=["complete", "incomplete", "refused"], default="complete"
    )
    missing = serializers.ListField(child=serializers.IntegerField(), default=list)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    processing_agency = serializers.CharField(max_length=13, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    sets = serializers.IntegerField(min_value=1, max_value=100, default=1)
    confirm_warnings = serializers.BooleanField(
        default=False,
        help_text="the desk checked the warnings of a first try (409 confirmation_required: "
        "the ID number used earlier with another name or date of birth, an open dossier of "
        "the same procedure) and receives anyway",
    )


class SubmitOnlineSerializer(InputSerializer):
    """Hồ sơ nộp trực tuyến / a dossier submitted online."""

    procedure = serializers.CharField(max_length=30)
    receiving_agency = serializers.CharField(max_length=13)
    processing_agency = serializers.CharField(max_length=13, required=False, allow_blank=True)
    applicant = ApplicantInSerializer()
    components = ComponentInSerializer(many=True, default=list)
    summary = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    form_data = serializers.DictField(
        required=False,
        default=dict,
        help_text="the procedure's own fields (its version's form_fields): name -> value",
    )
    representative = serializers.BooleanField(
        default=False,
        help_text="nộp thay: the account holder files for the applicant, with an authorisation "
        "line (authorisation: true) and its file; otherwise the applicant must be the account "
        "holder (or, for a business account, the business itself)",
    )
