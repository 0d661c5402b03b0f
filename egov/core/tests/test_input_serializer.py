"""InputSerializer reuses its bound fields: it must check every body exactly as a
plain DRF serializer does, and nothing may leak from one body to the next."""

import threading

from rest_framework import serializers

from egov.core.api import InputSerializer


class Line(serializers.Serializer):
    item = serializers.IntegerField(required=False, allow_null=True)
    copies = serializers.IntegerField(min_value=0, default=0)


class Person(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["citizen", "business"], default="citizen")
    name = serializers.CharField(max_length=10)
    born = serializers.DateField(required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class Plain(serializers.Serializer):
    code = serializers.CharField(max_length=5)
    person = Person()
    lines = Line(many=True, default=list)


class Reused(InputSerializer, Plain):
    pass


BODIES = [
    {"code": "A1", "person": {"name": "Lan", "born": "1990-02-28"}, "lines": [{"item": 3}]},
    {"code": "TOO-LONG", "person": {"name": "x" * 11, "email": "no"}, "lines": [{"copies": -1}]},
    {"code": "B2", "person": {"name": "Minh", "kind": "business"}},
    {"person": "not an object", "lines": "nope"},
    {"code": "C3", "person": {"name": "Hà"}, "lines": [{"item": None, "copies": 2}, {}]},
    {},
]


def _check(cls, body):
    serializer = cls(data=body)
    valid = serializer.is_valid()
    return valid, (serializer.validated_data if valid else serializer.errors)


def test_same_results_and_errors_as_a_plain_serializer_body_after_body():
    for _round in range(2):  # the second round runs on fields bound in the first
        for body in BODIES:
            assert _check(Reused, body) == _check(Plain, body), body
    assert Reused().fields is Reused().fields  # bound once
    assert Plain().fields is not Plain().fields


def test_with_context_or_partial_a_serializer_gets_its_own_fields():
    shared = Reused().fields
    assert Reused(context={"request": None}).fields is not shared
    assert Reused(partial=True).fields is not shared
    partial = Reused(data={"code": "X"}, partial=True)
    assert partial.is_valid(), partial.errors


def test_each_thread_binds_its_own_fields():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(Reused().fields))
    thread.start()
    thread.join()
    assert seen[0] is not Reused().fields
    assert _check(Reused, BODIES[0])[0] is True
