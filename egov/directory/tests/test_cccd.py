"""The personal identification (CCCD) number checked for real (DOMAIN.md section 11):
province code, century and sex, birth year, each with a message naming the part."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.core.errors import DomainError
from egov.directory.rules import CCCD_PROVINCES, FEMALE, MALE, check_cccd


def _code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_a_well_formed_number_of_a_person_born_in_bac_kan_in_1990():
    check_cccd("006190001234", birth_date=datetime.date(1990, 5, 1), sex=FEMALE)
    check_cccd("006090001234", birth_date=datetime.date(1990, 5, 1), sex=MALE)
    check_cccd("001305123456", birth_date=datetime.date(2005, 1, 31), sex=FEMALE)


@pytest.mark.parametrize("number", ["", "00619000123", "0061900012345", "00619000123a"])
def test_twelve_digits(number):
    assert _code(lambda: check_cccd(number)) == "id_number_invalid"


@pytest.mark.parametrize("province", ["000", "003", "097", "099", "100", "999"])
def test_the_first_three_digits_are_one_of_the_63_province_codes(province):
    with pytest.raises(DomainError) as caught:
        check_cccd(f"{province}190001234")
    assert caught.value.code == "id_number_province"
    assert province in caught.value.message and caught.value.field == "id_number"


def test_there_are_63_province_codes_between_001_and_096():
    assert len(CCCD_PROVINCES) == 63
    assert min(CCCD_PROVINCES) == "001" and max(CCCD_PROVINCES) == "096"


def test_the_birth_year_must_match_the_date_of_birth():
    with pytest.raises(DomainError) as caught:
        check_cccd("006190001234", birth_date=datetime.date(1991, 5, 1))
    assert caught.value.code == "id_number_birth_year"
    assert caught.value.details == {"part": "year", "year_in_number": 1990}
    assert "1990" in caught.value.message and "01/05/1991" in caught.value.message


def test_the_century_must_match_the_date_of_birth():
    # digit 2 = 2000s: a person born in 1990 cannot have "0062 90..."
    with pytest.raises(DomainError) as caught:
        check_cccd("006290001234", birth_date=datetime.date(1990, 5, 1))
    assert caught.value.details["part"] == "century"


def test_the_sex_must_match():
    with pytest.raises(DomainError) as caught:
        check_cccd("006190001234", birth_date=datetime.date(1990, 5, 1), sex=MALE)
    assert caught.value.code == "id_number_sex"
    assert "nữ" in caught.value.message and "female" in caught.value.message_en


@given(
    province=st.sampled_from(sorted(CCCD_PROVINCES)),
    born=st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)),
    sex=st.sampled_from([MALE, FEMALE]),
    serial=st.integers(0, 999_999),
)
def test_every_number_built_by_the_rule_passes_its_own_check(province, born, sex, serial):
    digit = 2 * (born.year // 100 - 19) + (sex == FEMALE)
    check_cccd(f"{province}{digit}{born.year % 100:02d}{serial:06d}", birth_date=born, sex=sex)


def test_a_dossier_applicant_whose_number_contradicts_the_date_of_birth_is_refused():
    from egov.dossiers.rules import check_applicant

    applicant = {"type": "citizen", "name": "Hà Thị Lan", "id_number": "006190001234"}
    check_applicant({**applicant, "birth_date": datetime.date(1990, 3, 2)})
    check_applicant({**applicant, "birth_date": "1990-03-02"})
    with pytest.raises(DomainError) as caught:
        check_applicant({**applicant, "birth_date": "1989-03-02"})
    assert caught.value.code == "id_number_birth_year"
    assert caught.value.field == "applicant.id_number"
