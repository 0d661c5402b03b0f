"""Django forms of the officer workspace ("một cửa"). They only parse and shape what the
officer typed; every business rule is checked by the services (``egov.dossiers.services``),
whose ``DomainError`` the views show next to the field it names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.dossiers.lifecycle import Status
from egov.dossiers.models import Channel
from egov.dossiers.services import ComponentInput

# Field names of the services' errors (``DomainError.field``) -> field of these forms.
SERVICE_FIELDS = {
    "applicant.name": "name",
    "applicant.id_number": "id_number",
    "applicant.tax_code": "id_number",
    "procedure": "procedure",
    "channel": "channel",
    "reason": "reason",
    "components": "components",
    "missing": "components",
}

PAPER_CHANNELS = [(Channel.COUNTER.value, _("Trực tiếp")), (Channel.POST.value, _("Bưu chính"))]


class ReceptionForm(forms.Form):
    """The reception form (Decree 61/2018 art. 16): procedure, channel, applicant,
    summary; the checklist of components is read by ``checklist_from``."""

    procedure = forms.CharField(label=_("Thủ tục"), max_length=30)
    channel = forms.ChoiceField(
        label=_("Kênh nộp"),
        choices=PAPER_CHANNELS,
        initial=Channel.COUNTER.value,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Họ và tên người nộp"), max_length=255, required=False)
    id_number = forms.CharField(
        label=_("Số CCCD (12 chữ số)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # A counter look-up of the person's account by ID number fills the fields below;
    # its reason is recorded in the audit log (directory.services.look_up_applicant).
    lookup_reason = forms.CharField(
        label=_("Lý do tra cứu tài khoản (được ghi nhật ký)"), max_length=500, required=False
    )
    birth_date = forms.DateField(
        label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    summary = forms.CharField(label=_("Trích yếu (nếu khác tên thủ tục)"), required=False)
    sets = forms.IntegerField(label=_("Số bộ hồ sơ"), min_value=1, max_value=20, initial=1)
    reason = forms.CharField(
        label=_("Lý do (khi từ chối hoặc yêu cầu bổ sung)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def applicant(self) -> dict:
        d = self.cleaned_data
        return {
            "type": "citizen",
            "name": d.get("name", ""),
            "id_number": (d.get("id_number") or "").strip(),
            "birth_date": d.get("birth_date"),
            "address": d.get("address", ""),
            "phone": d.get("phone", ""),
            "email": d.get("email", ""),
        }


def _count(data, key: str) -> int:
    try:
        return max(0, min(int(data.get(key) or 0), 99))
    except (TypeError, ValueError):
        return 0


def checklist_from(data, files, components, staged=None) -> tuple[list[ComponentInput], list[int]]:
    """The checklist as the services take it, and the ids ticked as missing.

    Row fields: ``c<id>-originals``, ``c<id>-certified``, ``c<id>-photocopies``,
    ``c<id>-file``; ``missing`` lists the ids ticked "thiếu". A row ticked missing is
    not handed in, whatever its counts say. ``staged``: files kept from an earlier
    send of the form, by component id, used where no new file was chosen."""
    staged = staged or {}
    missing = {int(m) for m in data.getlist("missing") if str(m).isdigit()}
    items = []
    for c in components:
        if c.pk in missing:
            continue
        item = ComponentInput(
            component_id=c.pk,
            originals=_count(data, f"c{c.pk}-originals"),
            certified_copies=_count(data, f"c{c.pk}-certified"),
            photocopies=_count(data, f"c{c.pk}-photocopies"),
            file=files.get(f"c{c.pk}-file") or staged.get(c.pk),
        )
        if item.provided:
            items.append(item)
    known = {c.pk for c in components}
    return items, sorted(m for m in missing if m in known)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Mã hồ sơ, tên hoặc số CCCD"), required=False, max_length=100)
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=30)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + Status.choices
    )
    date_from = forms.DateField(
        label=_("Nộp từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
