"""Subjects' identifiers: USCC and resident ID numbers validated by python-stdnum, and masking."""

import pytest

from repairflow.core.identifiers import (
    INVALID_RESIDENT_ID,
    INVALID_USCC,
    NOT_AN_IDENTIFIER,
    InvalidIdentifier,
    SubjectType,
    compact_identifier,
    mask_identifier,
    validate_identifier,
)

VALID_USCC = "91110000600037341L"
VALID_RESIDENT_ID = "370102198503152013"
VALID_RESIDENT_ID_WITH_X = "37010219850315000X"


# --- USCC ----------------------------------------------------------------------------------


def test_a_valid_uscc_is_returned_as_is():
    assert validate_identifier(VALID_USCC, SubjectType.LEGAL_PERSON) == VALID_USCC


def test_a_uscc_with_separators_and_lower_case_is_returned_compact():
    assert validate_identifier("9111 0000-6000 3734 1l", SubjectType.LEGAL_PERSON) == VALID_USCC


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("91110000600037341K", id="wrong-check-digit"),
        pytest.param("91110000600037340L", id="changed-body-digit"),
        pytest.param("91110000600037341", id="17-characters"),
        pytest.param("91110000600037341LL", id="19-characters"),
        pytest.param("", id="empty"),
        pytest.param("A1110000600037341L", id="letter-in-first-eight"),
        pytest.param("91110000I00037341L", id="letter-I-not-in-alphabet"),
        pytest.param("91110000O00037341L", id="letter-O-not-in-alphabet"),
        pytest.param("9111000060003734*L", id="punctuation"),
    ],
)
def test_an_invalid_uscc_is_refused_with_the_uscc_message(value):
    with pytest.raises(InvalidIdentifier) as refused:
        validate_identifier(value, SubjectType.LEGAL_PERSON)

    assert str(refused.value) == str(INVALID_USCC)


def test_a_uscc_typed_with_full_width_digits_is_returned_in_ascii():
    assert validate_identifier("９１１１００００６０００３７３４１L", SubjectType.LEGAL_PERSON) == VALID_USCC


def test_a_resident_id_is_not_a_valid_uscc():
    with pytest.raises(InvalidIdentifier) as refused:
        validate_identifier(VALID_RESIDENT_ID, SubjectType.LEGAL_PERSON)

    assert str(refused.value) == str(INVALID_USCC)


# --- Resident ID numbers -------------------------------------------------------------------


def test_a_valid_resident_id_is_returned_as_is():
    assert validate_identifier(VALID_RESIDENT_ID, SubjectType.NATURAL_PERSON) == VALID_RESIDENT_ID


def test_a_resident_id_with_check_character_x_is_valid():
    assert validate_identifier(VALID_RESIDENT_ID_WITH_X, SubjectType.NATURAL_PERSON) == VALID_RESIDENT_ID_WITH_X


def test_a_lower_case_x_check_character_is_returned_upper_case():
    assert validate_identifier("37010219850315000x", SubjectType.NATURAL_PERSON) == VALID_RESIDENT_ID_WITH_X


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("370102198503152014", id="wrong-check-digit"),
        pytest.param("370102198503152010", id="another-wrong-check-digit"),
        pytest.param("37010219850315000Y", id="check-character-not-digit-or-X"),
        pytest.param("370102198502291230", id="29-february-1985"),
        pytest.param("370102198513151233", id="month-13"),
        pytest.param("370102198504311231", id="31-april"),
        pytest.param("37010219850315201", id="17-characters"),
        pytest.param("3701021985031520133", id="19-characters"),
        pytest.param("37010219850315201A", id="letter-as-check-character"),
        pytest.param("3701021985O3152013", id="letter-in-body"),
        pytest.param("", id="empty"),
    ],
)
def test_an_invalid_resident_id_is_refused_with_the_resident_id_message(value):
    with pytest.raises(InvalidIdentifier) as refused:
        validate_identifier(value, SubjectType.NATURAL_PERSON)

    assert str(refused.value) == str(INVALID_RESIDENT_ID)


def test_a_uscc_is_not_a_valid_resident_id():
    with pytest.raises(InvalidIdentifier) as refused:
        validate_identifier(VALID_USCC, SubjectType.NATURAL_PERSON)

    assert str(refused.value) == str(INVALID_RESIDENT_ID)


def test_an_unknown_subject_type_is_a_programming_error():
    with pytest.raises(ValueError) as refused:
        validate_identifier(VALID_USCC, "partnership")

    assert not isinstance(refused.value, InvalidIdentifier)


# --- compact_identifier --------------------------------------------------------------------


def test_a_uscc_is_an_identifier():
    assert compact_identifier(VALID_USCC) == VALID_USCC


def test_a_resident_id_is_an_identifier():
    assert compact_identifier(VALID_RESIDENT_ID) == VALID_RESIDENT_ID


def test_a_resident_id_ending_in_a_small_x_is_compacted():
    assert compact_identifier(VALID_RESIDENT_ID_WITH_X.lower()) == VALID_RESIDENT_ID_WITH_X


def test_an_identifier_with_spaces_and_hyphens_is_compacted():
    spaced = f"{VALID_USCC[:6]} {VALID_USCC[6:12]}-{VALID_USCC[12:]}"

    assert compact_identifier(spaced) == VALID_USCC


@pytest.mark.parametrize(
    "value",
    [
        "91110000600037341K",
        "370102198503152014",
        "370102198502291230",
        "12345",
        "",
    ],
)
def test_an_identifier_passing_neither_check_is_refused(value):
    with pytest.raises(InvalidIdentifier) as refused:
        compact_identifier(value)

    assert str(refused.value) == str(NOT_AN_IDENTIFIER)


# --- mask_identifier -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("370102198503152013", "370***********2013"),
        ("37010219850315000X", "370***********000X"),
        ("91110000600037341L", "911***********341L"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_masking_shows_the_first_three_and_last_four_characters_only(value, masked):
    assert mask_identifier(value) == masked


def test_masking_keeps_the_length():
    assert len(mask_identifier(VALID_RESIDENT_ID)) == 18
