import pytest
from django.core.exceptions import ValidationError

from mediation.validators import (
    credit_code_check_char,
    id_number_check_char,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)


def test_id_number_checksum_follows_gb11643():
    # The worked example of GB 11643-1999: 11010519491231002X.
    assert id_number_check_char("11010519491231002") == "X"
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")  # lower-case x is accepted and normalised


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_number_checksum"),
        ("1101051949123100", "id_number_format"),
        ("11010519491331002X", "id_number_birth"),  # month 13
        ("11010521491231002X", "id_number_birth"),  # born in the future
        ("A1010519491231002X", "id_number_format"),
    ],
)
def test_invalid_id_number_is_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == code


def test_credit_code_checksum_follows_gb32100():
    # 91350100M000100Y43 is a widely cited valid code.
    code = "91350100M000100Y4"
    assert credit_code_check_char(code) == "3"
    validate_credit_code(code + "3")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y44", "credit_code_checksum"),
        ("91350100M000100Y4", "credit_code_format"),
        ("91350100I000100Y43", "credit_code_format"),  # I is not in the alphabet
    ],
)
def test_invalid_credit_code_is_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    assert exc.value.code == code


@pytest.mark.parametrize(
    "value", ["13800138000", "+86 139 0000 0000", "010-12345678", "0571-8765432"]
)
def test_mainland_mobile_and_landline_numbers_are_accepted(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["12800138000", "1380013800", "12345", "abc"])
def test_other_phone_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_phone(value)
