"""A fast path for checking request bodies (``egov.core.api.InputSerializer``).

A DRF serializer checks a body field by field through several layers of calls
(``run_validation``, ``validate_empty_values``, ``to_internal_value``,
``run_validators``...): for an online submission (applicant, checklist) that is a
tenth of the request's CPU. Most bodies are well formed: every value already of the
field's type. ``compile_checker`` turns a serializer's fields into one function that
gives the same ``validated_data`` for such a body, or ``FALLBACK`` as soon as
anything is unusual (a number given as text, a missing required field, a value out of
range...); the serializer then checks the body itself, with its usual error messages.
So the fast path only ever accepts what the serializer accepts, with the same result
(egov/core/tests/test_quickcheck.py compares both on generated bodies).

Only plain field classes are compiled; a serializer with anything else (custom
validators, ``validate_<field>`` methods, ``source``, other field classes) gets no
fast path.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from rest_framework import ISO_8601, serializers
from rest_framework import validators as drf_validators
from rest_framework.fields import empty
from rest_framework.settings import api_settings

FALLBACK = object()

Checker = Callable[[Any], Any]

_SURROGATES = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = django_validators.EmailValidator()
# Validators DRF adds to the fields below from their arguments (checked here by hand).
_KNOWN_VALIDATORS = (
    django_validators.MaxLengthValidator,
    django_validators.MinLengthValidator,
    django_validators.MaxValueValidator,
    django_validators.MinValueValidator,
    django_validators.EmailValidator,
    django_validators.ProhibitNullCharactersValidator,
    drf_validators.ProhibitSurrogateCharactersValidator,
)


def compile_checker(serializer: serializers.Serializer) -> Checker | None:
    """One function checking a body as ``serializer`` (bound fields) does, or None
    when some field or method of it has no fast path."""
    cls = type(serializer)
    for method in ("validate", "to_internal_value", "run_validation"):
        if getattr(cls, method) is not getattr(serializers.Serializer, method):
            return None
    if serializer.validators:
        return None
    parts = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if field.source != name or getattr(serializer, f"validate_{name}", None) is not None:
            return None
        check = _field_checker(field)
        if check is None:
            return None
        parts.append((name, field, check))

    def check_mapping(data: Any) -> Any:
        if type(data) is not dict:
            return FALLBACK
        result = {}
        for name, field, check in parts:
            value = data.get(name, empty)
            if value is empty:
                if field.required:
                    return FALLBACK
                if field.default is empty:
                    continue
                value = field.get_default()
                result[name] = value
                continue
            if value is None:
                if not field.allow_null:
                    return FALLBACK
                result[name] = None
                continue
            value = check(value)
            if value is FALLBACK:
                return FALLBACK
            result[name] = value
        return result

    return check_mapping


def _field_checker(field: serializers.Field) -> Checker | None:
    if any(not isinstance(v, _KNOWN_VALIDATORS) for v in field.validators):
        return None
    kind = type(field)
    if kind in (serializers.CharField, serializers.EmailField):
        return _char(field, email=kind is serializers.EmailField)
    if kind is serializers.IntegerField:
        return _integer(field)
    if kind is serializers.ChoiceField:
        return _choice(field)
    if kind is serializers.BooleanField:
        return lambda value: value if type(value) is bool else FALLBACK
    if kind is serializers.DateField:
        formats = getattr(field, "input_formats", None) or api_settings.DATE_INPUT_FORMATS
        return _date if list(formats) == [ISO_8601] else None
    if kind is serializers.ListField:
        return _list(field)
    if isinstance(field, serializers.ListSerializer):
        return _many(field)
    if isinstance(field, serializers.Serializer):
        return compile_checker(field)
    return None


def _char(field: serializers.CharField, *, email: bool) -> Checker:
    trim, blank = field.trim_whitespace, field.allow_blank
    longest, shortest = field.max_length, field.min_length

    def check(value: Any) -> Any:
        if type(value) is not str:
            return FALLBACK
        if trim:
            value = value.strip()
        if value == "":
            return "" if blank else FALLBACK
        if longest is not None and len(value) > longest:
            return FALLBACK
        if shortest is not None and len(value) < shortest:
            return FALLBACK
        if "\x00" in value or _SURROGATES.search(value):
            return FALLBACK
        if email:
            try:
                _EMAIL(value)
            except ValidationError:
                return FALLBACK
        return value

    return check


def _integer(field: serializers.IntegerField) -> Checker:
    highest, lowest = field.max_value, field.min_value

    def check(value: Any) -> Any:
        if type(value) is not int or value.bit_length() > 3000:
            return FALLBACK
        if (highest is not None and value > highest) or (lowest is not None and value < lowest):
            return FALLBACK
        return value

    return check


def _choice(field: serializers.ChoiceField) -> Checker:
    choices, blank = field.choice_strings_to_values, field.allow_blank

    def check(value: Any) -> Any:
        if value == "" and blank:
            return ""
        if type(value) is not str or value not in choices:
            return FALLBACK
        return choices[value]

    return check


def _date(value: Any) -> Any:
    if type(value) is not str or not _ISO_DATE.fullmatch(value):
        return FALLBACK
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return FALLBACK


def _list(field: serializers.ListField) -> Checker | None:
    if field.max_length is not None or field.min_length is not None or not field.allow_empty:
        return None
    check_child = _field_checker(field.child)
    return _each(check_child, field.child.allow_null) if check_child else None


def _many(field: serializers.ListSerializer) -> Checker | None:
    if field.max_length is not None or field.min_length is not None or not field.allow_empty:
        return None
    check_child = compile_checker(field.child)
    return _each(check_child, False) if check_child else None


def _each(check_child: Checker, null: bool) -> Checker:
    """A list whose items each pass ``check_child`` (or are None, when ``null``)."""

    def check(value: Any) -> Any:
        if type(value) is not list:
            return FALLBACK
        result = []
        for item in value:
            if item is None and null:
                result.append(None)
                continue
            item = FALLBACK if item is None else check_child(item)
            if item is FALLBACK:
                return FALLBACK
            result.append(item)
        return result

    return check
