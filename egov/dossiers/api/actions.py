"""``POST /api/v1/dossiers/<code>/actions/<name>``: one endpoint per lifecycle
transition, generated from the action table (``egov.dossiers.actions.ACTIONS``): its
body serializer from the action's inputs, its summary from the action's labels. The
serializers check shapes only; the services check the access policy, the lifecycle
table, the rules and the version.

Every action honours ``Idempotency-Key`` and answers with the updated dossier and its
new ETag. A view's ``requires_version`` is True when the action needs the version the
client acted on (``If-Match`` or ``version``; 428 without), read by the OpenAPI hook.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from egov.dossiers import queries
from egov.dossiers.action_inputs import Call as Call
from egov.dossiers.action_inputs import DateOrDateTimeField, body_serializer
from egov.dossiers.actions import ACTIONS, ActionDef
from egov.dossiers.api.common import (
    IF_MATCH_PARAMETER,
    component_inputs,
    detail_data,
    document,
    etag,
    expected_version,
)
from egov.dossiers.api.serializers import DossierDetailSerializer
from egov.dossiers.models import Dossier

__all__ = ["VIEWS", "ActionView", "DateOrDateTimeField"]


class ActionView(APIView):
    action_def: ActionDef
    body: type[serializers.Serializer]
    requires_version: bool = True
    idempotency_key = True

    @idempotent
    def post(self, request, code: str):
        actor = request.user
        serializer = self.body(data=document(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if self.requires_version:
            version = expected_version(request, data.get("version"))
        else:
            version = data.get("version")
        dossier = self._dossier(actor, code, data)
        call = Call(
            self.action_def.name,
            actor,
            dossier,
            data,
            request.FILES,
            version,
            checklist=lambda: component_inputs(data.get("components") or [], request.FILES),
        )
        with transaction.atomic():
            self.action_def.service(call)
        return _result(actor, code)

    def _dossier(self, actor: Any, code: str, data: dict[str, Any]) -> Dossier:
        dossier = queries.visible(actor).filter(code=code).first()
        if dossier is None and self.action_def.name == "answer_consultation":
            # The consulted agency answers though the dossier is not in its scope.
            agency = getattr(getattr(actor, "officer_or_none", None), "agency_id", None)
            dossier = Dossier.objects.filter(
                code=code, consultations__pk=data["consultation"], consultations__agency=agency
            ).first()
        if dossier is None:
            raise exceptions.NotFound()
        return dossier


def _result(actor: Any, code: str) -> Response:
    dossier = queries.dossier_detail(actor, code)
    if dossier is None:  # a consulted agency: it may act, not read
        version = Dossier.objects.values_list("version", flat=True).get(code=code)
        return Response({"code": code, "version": version}, headers={"ETag": f'"{version}"'})
    return Response(detail_data(actor, dossier), headers={"ETag": etag(dossier)})


def _view(action: ActionDef) -> type[ActionView]:
    body = body_serializer(action.name, action.inputs)

    def post(self, request, code: str):
        return ActionView.post(self, request, code)

    view = type(
        f"{body.__name__}View",
        (ActionView,),
        {"action_def": action, "body": body, "requires_version": action.requires_version},
    )
    view.post = extend_schema(
        operation_id=f"dossiers_action_{action.name}",
        summary=action.summary(),
        description=action.who,
        request=body,
        responses={200: DossierDetailSerializer},
        parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_KEY_PARAMETER],
    )(post)
    return view


VIEWS: dict[str, type[ActionView]] = {a.segment: _view(a) for a in ACTIONS.values()}
