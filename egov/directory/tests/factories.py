"""Factories for directory objects. They write rows directly (no audit entries), to
set up tests quickly; tests of the services call the services."""

from __future__ import annotations

import factory

from egov.directory.models import (
    Agency,
    ApplicantProfile,
    Department,
    Officer,
    OfficerRole,
    Tier,
    User,
)


def tier(code: str) -> Tier:
    return Tier.objects.get(code=code)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H99")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    short_name = factory.Sequence(lambda n: f"CQ{n}")
    tier = factory.LazyFunction(lambda: tier("department"))
    parent = None

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if create:
            obj.save(update_fields=["path"])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"phong-{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    kind = User.Kind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, kind=User.Kind.OFFICER)
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or []:
            OfficerRole.objects.create(officer=obj, role=role)


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory, kind=User.Kind.CITIZEN)
    id_number = factory.Sequence(lambda n: f"0010900{n:05d}")
    address = "Phường Đức Xuân, thành phố Bắc Kạn"
