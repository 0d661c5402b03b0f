"""The fast path of InputSerializer (``egov.core.quickcheck``) accepts only bodies the
serializer accepts, with exactly the serializer's ``validated_data``; every other
body goes through the serializer (same errors as before)."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from egov.core import quickcheck
from egov.core.api import InputSerializer
from egov.dossiers.api.serializers import ReceiveSerializer, SubmitOnlineSerializer


class Line(serializers.Serializer):
    item = serializers.IntegerField(required=False, allow_null=True)
    copies = serializers.IntegerField(min_value=0, max_value=9, default=0)


class Person(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["citizen", "business"], default="citizen")
    name = serializers.CharField(max_length=10)
    born = serializers.DateField(required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class Body(InputSerializer):
    code = serializers.CharField(max_length=5)
    note = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    person = Person()
    lines = Line(many=True, default=list)
    tags = serializers.ListField(child=serializers.IntegerField(), default=list)


class Picky(InputSerializer):
    code = serializers.CharField()

    def validate_code(self, value):
        return value.upper()


def _drf(cls, body):
    """What plain DRF gives (the fast path bypassed)."""
    serializer = cls(data=body)
    valid = serializers.Serializer.is_valid(serializer)
    return valid, serializer.validated_data if valid else serializer.errors


def _fast(cls, body):
    return quickcheck.compile_checker(cls())(body)


# Values of every kind, often of the field's own type, sometimes not.
text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", " ab ", "a\x00b", "x" * 11, "citizen", "business", "Hà Nội"]),
    st.sampled_from(["2026-02-28", "2026-02-30", "2026-2-3", "20260228", "a@b.vn", "no@"]),
)
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-20, max_value=20),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
    st.lists(st.integers(min_value=-3, max_value=3), max_size=3),
    st.dictionaries(st.sampled_from(["item", "copies", "x"]), st.integers(-2, 12), max_size=3),
)


def _maybe(fields, required=()):
    """A dict with ``required`` and some of ``fields`` (name -> strategy), with an
    unknown key now and then."""
    return st.fixed_dictionaries(
        {name: fields[name] for name in required},
        optional={**{k: v for k, v in fields.items() if k not in required}, "extra": anything},
    )


def often(good):
    """``good`` values nine times in ten, else anything."""
    return st.integers(0, 9).flatmap(lambda n: good if n else anything)


names = often(st.text(min_size=1, max_size=10))
lines = st.lists(
    _maybe(
        {
            "item": often(st.one_of(st.none(), st.integers(0, 99))),
            "copies": often(st.integers(0, 9)),
        }
    ),
    max_size=3,
)
person = _maybe(
    {
        "kind": often(st.sampled_from(["citizen", "business"])),
        "name": names,
        "born": often(st.sampled_from(["1990-02-28", "2000-12-31", None])),
        "email": often(st.sampled_from(["", "lan@example.vn"])),
        "active": often(st.booleans()),
    },
    required=("name",),
)
bodies = often(
    _maybe(
        {
            "code": often(st.text(min_size=1, max_size=5)),
            "note": often(st.text(max_size=20)),
            "person": often(person),
            "lines": often(lines),
            "tags": often(st.lists(st.integers(0, 9), max_size=3)),
        },
        required=("code", "person"),
    )
)


@settings(max_examples=600, deadline=None)
@given(bodies)
def test_the_fast_path_gives_what_drf_gives_or_steps_aside(body):
    fast = _fast(Body, body)
    if fast is not quickcheck.FALLBACK:
        _taken.append(body)
        assert _drf(Body, body) == (True, fast)
    assert _drf(Body, body) == (Body(data=body).is_valid(), _checked(Body, body))


_taken: list = []


def test_generated_bodies_often_take_the_fast_path():
    """The property above means something only if the fast path is taken often."""
    _taken.clear()
    test_the_fast_path_gives_what_drf_gives_or_steps_aside()
    assert len(_taken) >= 50


def _checked(cls, body):
    serializer = cls(data=body)
    return serializer.validated_data if serializer.is_valid() else serializer.errors


def test_well_formed_bodies_take_the_fast_path():
    body = {
        "code": " A1 ",
        "person": {"name": "Lan", "born": "1990-02-28", "email": "lan@example.vn"},
        "lines": [{"item": 3}, {"item": None, "copies": 2}],
        "tags": [1, 2],
        "ignored": True,
    }
    fast = _fast(Body, body)
    assert fast == {
        "code": "A1",
        "note": "",
        "person": {
            "kind": "citizen",
            "name": "Lan",
            "born": datetime.date(1990, 2, 28),
            "email": "lan@example.vn",
        },
        "lines": [{"item": 3, "copies": 0}, {"item": None, "copies": 2}],
        "tags": [1, 2],
    }
    assert _drf(Body, body) == (True, fast)


def test_unusual_bodies_go_through_the_serializer():
    for body in (
        {"code": 12, "person": {"name": "Lan"}},  # a number for a text: DRF converts it
        {"code": "A1", "person": {"name": "Lan"}, "lines": [{"copies": "2"}]},
        {"code": "A1", "person": {"name": "Lan", "born": "2026-02-30"}},
        {"code": "A1", "person": {}},
        {"code": "A1", "person": {"name": "Lan"}, "lines": [{"copies": True}]},
    ):
        assert _fast(Body, body) is quickcheck.FALLBACK, body
        serializer = Body(data=body)
        assert serializer.is_valid() == _drf(Body, body)[0]


def test_a_serializer_with_its_own_checks_has_no_fast_path():
    assert quickcheck.compile_checker(Picky()) is None
    serializer = Picky(data={"code": "ab"})
    assert serializer.is_valid() and serializer.validated_data == {"code": "AB"}


SUBMISSION = {
    "procedure": "1.004873",
    "receiving_agency": "000.08.60.H06",
    "applicant": {
        "type": "citizen",
        "name": "Lăng Thanh Minh",
        "id_number": "006078797596",
        "birth_date": "1978-09-05",
        "address": "Tổ 9, xã Cổ Linh",
        "province": "Bắc Kạn",
        "phone": "0996906374",
    },
    "components": [{"component_id": 137, "originals": 1}, {"name": "Bản sao", "photocopies": 2}],
}


def test_the_dossier_bodies_have_a_fast_path_with_drfs_result():
    receive = {**SUBMISSION, "channel": "counter", "outcome": "incomplete", "missing": [3, 4]}
    for cls, body in ((SubmitOnlineSerializer, SUBMISSION), (ReceiveSerializer, receive)):
        fast = _fast(cls, body)
        assert fast is not quickcheck.FALLBACK
        assert _drf(cls, body) == (True, fast)
