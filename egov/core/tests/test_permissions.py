"""The access policy as a matrix: role x scope x action, negatives included.

Expected answers are written out by hand below (not derived from RULES), so a
change to the policy that widens or narrows access makes a test fail.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from egov.core.errors import NotPermitted
from egov.core.permissions import SYSTEM, Action, can, require, scope
from egov.directory.models import Agency, ApplicantProfile, Officer
from egov.directory.tests.factories import ApplicantFactory, OfficerFactory

PLACES = ("district", "commune", "department", "other_province")
STAFF = ("desk_officer", "specialist", "department_head", "agency_leader", "clerk")

# Officer records: which places' officers each persona may VIEW / CHANGE.
OFFICER_VIEW = {
    **{p: {"district"} for p in STAFF},
    "agency_admin": {"district", "commune"},
    "province_admin": {"district", "commune", "department"},
    "auditor": {"district", "commune", "department"},
    "foreign_officer": {"other_province"},
    "citizen": set(),
    "anonymous": set(),
}
OFFICER_CHANGE = {
    **{p: set() for p in STAFF},
    "agency_admin": {"district", "commune"},
    "province_admin": {"district", "commune", "department"},
    "auditor": set(),
    "foreign_officer": {"other_province"},
    "citizen": set(),
    "anonymous": set(),
}
# Agencies: every officer sees the agencies of their province; admins administer.
AGENCY_VIEW = {
    **{p: {"province", "district", "commune", "department"} for p in STAFF},
    "agency_admin": {"province", "district", "commune", "department"},
    "province_admin": {"province", "district", "commune", "department"},
    "auditor": {"province", "district", "commune", "department"},
    "foreign_officer": {"other_province"},
    "citizen": set(),
    "anonymous": set(),
}
AGENCY_ADMINISTER = {
    **{p: set() for p in STAFF},
    "agency_admin": {"district", "commune"},
    "province_admin": {"province", "district", "commune", "department"},
    "auditor": set(),
    "foreign_officer": {"other_province"},
    "citizen": set(),
    "anonymous": set(),
}
PERSONAS = tuple(OFFICER_VIEW)


def actor(people, name):
    return AnonymousUser() if name == "anonymous" else getattr(people, name)


@pytest.fixture
def officers_at(places, people):
    return {
        place: OfficerFactory(agency=getattr(places, place), roles=["specialist"])
        for place in PLACES
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "action,expected", [(Action.VIEW, OFFICER_VIEW), (Action.CHANGE, OFFICER_CHANGE)]
)
def test_officer_records(persona, action, expected, people, officers_at):
    who = actor(people, persona)
    allowed = {place for place, officer in officers_at.items() if can(who, action, officer)}
    assert allowed == expected[persona]
    # A list and a single check never disagree.
    listed = set(
        scope(
            who, action, Officer.objects.filter(pk__in=[o.pk for o in officers_at.values()])
        ).values_list("pk", flat=True)
    )
    assert listed == {officers_at[p].pk for p in expected[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "action,expected", [(Action.VIEW, AGENCY_VIEW), (Action.ADMINISTER, AGENCY_ADMINISTER)]
)
def test_agencies(persona, action, expected, people, places):
    who = actor(people, persona)
    names = ("province", "district", "commune", "department", "other_province")
    allowed = {n for n in names if can(who, action, getattr(places, n))}
    assert allowed == expected[persona]
    listed = set(scope(who, action, Agency.objects.all()).values_list("pk", flat=True))
    assert listed == {getattr(places, n).pk for n in expected[persona]}


@pytest.mark.parametrize(
    "persona,allowed",
    [
        # Without a dossier: a counter look-up (desk) or an inspection (auditor) only.
        ("desk_officer", True),
        ("specialist", False),
        ("department_head", False),
        ("agency_leader", False),
        ("auditor", True),
        ("clerk", False),
        ("agency_admin", False),
        ("province_admin", False),
        ("anonymous", False),
    ],
)
def test_reading_an_applicants_id_number(persona, allowed, people):
    profile = people.citizen.applicant
    assert can(actor(people, persona), Action.READ_PERSONAL_DATA, profile) is allowed


def test_applicants_read_only_their_own_profile(people):
    mine = people.citizen.applicant
    someone_else = ApplicantFactory()
    assert can(people.citizen, Action.READ_PERSONAL_DATA, mine)
    assert not can(people.citizen, Action.READ_PERSONAL_DATA, someone_else)
    assert list(scope(people.citizen, Action.VIEW, ApplicantProfile.objects.all())) == [mine]


def test_auditors_never_write(people, places, officers_at):
    for action in (Action.CHANGE, Action.DELETE, Action.ADMINISTER, Action.CREATE):
        assert not can(people.auditor, action, places.district)
        assert not can(people.auditor, action, officers_at["district"])


def test_an_inactive_superuser_gets_nothing_and_the_system_everything(people, places):
    people.province_admin.is_superuser = True
    people.province_admin.is_active = False
    assert not can(people.province_admin, Action.CHANGE, places.other_province)
    assert can(SYSTEM, Action.CHANGE, places.other_province)


def test_require_raises_a_403_error_with_a_code(people, places):
    with pytest.raises(NotPermitted) as caught:
        require(people.desk_officer, Action.ADMINISTER, places.district)
    assert caught.value.status == 403
    assert caught.value.code == "permission_denied"


def test_an_object_check_costs_one_query(people, officers_at, django_assert_num_queries):
    who = people.province_admin
    assert who.role_set  # roles are read once per request, before the check
    assert who.officer.agency
    with django_assert_num_queries(1):
        can(who, Action.VIEW, officers_at["commune"])


def test_permits_any_says_what_filter_for_says(db):
    """For every demo account (officers of each role, citizens, an inactive account,
    anonymous), every registered model and every action."""
    from django.core.management import call_command

    from egov.core import permissions
    from egov.directory.models import User

    call_command("load_demo", verbosity=0)
    inactive = User.objects.filter(is_superuser=False).order_by("pk").first()
    inactive.is_active = False

    class Stray:  # roles of every kind, but its officer record (agency) is gone
        is_authenticated = is_active = is_officer = True
        is_superuser = False
        role_set = frozenset({*permissions.OFFICER_ROLES, permissions.APPLICANT})
        officer_or_none = None
        pk = 10**9

    actors = [*User.objects.all(), inactive, Stray(), AnonymousUser(), None]
    checked = permitted = 0
    for actor in actors:
        for model in permissions._resources:
            for action in Action:
                expected = permissions.filter_for(actor, action, model) is not None
                assert permissions.permits_any(actor, action, model) is expected, (
                    actor,
                    model,
                    action,
                )
                checked += 1
                permitted += expected
    assert permitted and permitted < checked  # both answers occur
