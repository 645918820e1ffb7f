"""Every refusal is JSON: a stable code, a Chinese message, and the fields at fault."""

import pytest
from django.test import Client

from mediation.api import services as api_services
from mediation.models import Case

from .conftest import Api, intake_data

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code, body
    assert body["message"]
    return body


def test_no_token_is_401_with_the_bearer_challenge(district):
    response = Client().get(CASES)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(district):
    assert_error(Api("mdt_nope").get(CASES), 401, "token_invalid")


def test_a_revoked_token_is_401_at_once(district, hotline):
    assert hotline.get(CASES).status_code == 200
    api_services.token_revoke(token=hotline.token)
    assert_error(hotline.get(CASES), 401, "token_revoked")
    # Its service user holds its post no more.
    assert not hotline.token.user.memberships.exists()


def test_a_staff_session_is_no_api_credential(client, district):
    client.force_login(district.street_staff)
    assert_error(client.get(CASES), 401, "not_authenticated")


def test_unknown_address_and_wrong_method_are_json(district, hotline):
    assert_error(hotline.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(hotline.get("/api/"), 404, "not_found")
    response = hotline.client.delete(CASES, headers=hotline.headers())
    assert_error(response, 405, "method_not_allowed")


def test_a_case_of_another_organisation_is_404_not_403(district, hotline):
    from tests.factories import report_case

    case = report_case(handling_org=district.street, actor=district.street_staff)
    assert_error(hotline.get(f"{CASES}{case.pk}/"), 404, "not_found")
    assert_error(hotline.get(f"{CASES}999999/"), 404, "not_found")


def test_messages_are_chinese_whatever_the_accept_language(district, hotline):
    data = intake_data(district)
    data["parties"][0]["id_number"] = "110101198001010000"  # wrong check digit
    response = hotline.post(CASES, data, **{"Accept-Language": "en"})
    body = assert_error(response, 400, "invalid")
    error = body["fields"]["parties.0.id_number"][0]
    assert error["code"] == "id_number_checksum"
    # The validators' message, from the project's Chinese catalogue.
    assert error["message"] == "公民身份号码校验位不正确，请逐位核对。", error["message"]
    assert response["Content-Language"] == "zh-hans"


def test_malformed_json_and_other_media_types_are_refused(district, hotline):
    response = hotline.client.post(
        CASES, "{not json", content_type="application/json", headers=hotline.headers()
    )
    assert_error(response, 400, "malformed_request")
    response = hotline.client.post(
        CASES, "a=b", content_type="application/x-www-form-urlencoded", headers=hotline.headers()
    )
    assert_error(response, 415, "unsupported_media_type")


def test_a_burst_from_one_token_gets_429_with_retry_after(settings, district, hotline):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute"},
    }
    for _ in range(3):
        assert hotline.get(CASES).status_code == 200
    response = hotline.get(CASES)
    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 60
    # Another token has its own count.
    from .conftest import issue

    other = issue(district.street, "街道系统")
    assert other.get(CASES).status_code == 200


# Bad input: refused with the fields at fault, and nothing half-saved.


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (lambda d: d.update(colour="red"), "colour", "unknown_field"),
        (lambda d: d["parties"][0].update(nickname="小王"), "parties.0.nickname", "unknown_field"),
        (lambda d: d["parties"][0].update(id_number="11010119800101001X"), "parties.0.id_number",
         "id_number_checksum"),
        (lambda d: d["parties"][0].update(id_number="12345"), "parties.0.id_number",
         "id_number_format"),
        (lambda d: d["parties"][0].update(phone="12345"), "parties.0.phone", "phone_format"),
        (lambda d: d["parties"][0].update(phone=""), "parties.0.phone", "invalid"),
        (lambda d: d.update(amount="-1"), "amount", "amount_negative"),
        (lambda d: d.update(amount="99999999999999"), "amount", "amount_too_large"),
        (lambda d: d.update(amount="1.005"), "amount", "amount_precision"),
        (lambda d: d.update(amount="NaN"), "amount", "invalid"),
        (lambda d: d.update(handling_org="no-such-org"), "handling_org", "does_not_exist"),
        (lambda d: d.update(parties=d["parties"][:1]), "parties", "min_length"),
    ],
)  # fmt: skip
def test_bad_input_is_400_with_the_field_and_saves_nothing(district, hotline, change, field, code):
    data = intake_data(district)
    change(data)
    body = assert_error(
        hotline.post(CASES, data), 400, "unknown_field" if code == "unknown_field" else "invalid"
    )
    assert field in body["fields"], body
    assert body["fields"][field][0]["code"] == code, body
    assert not Case.objects.exists()


def test_the_amount_limit_is_in_the_message(district, hotline):
    data = intake_data(district, amount="99999999999999")
    message = hotline.post(CASES, data).json()["fields"]["amount"][0]["message"]
    assert "10,000,000,000" in message


def test_unknown_query_parameters_are_refused(district, hotline):
    body = assert_error(hotline.get(CASES, {"colour": "red"}), 400, "unknown_field")
    assert "colour" in body["fields"]
    assert_error(hotline.get(CASES, {"status": "nonsense"}), 400, "invalid")


def test_a_bad_filter_is_named_by_its_field_with_the_reasons_code(district, hotline):
    body = assert_error(hotline.get(CASES, {"status": "nonsense"}), 400, "invalid")
    assert list(body["fields"]) == ["status"]
    assert body["fields"]["status"][0]["code"] == "invalid_choice"
    assert "nonsense" in body["fields"]["status"][0]["message"]


def test_an_unexpected_error_is_a_logged_500_in_the_same_shape(caplog):
    from mediation.api.errors import exception_handler

    with caplog.at_level("ERROR", logger="mediation.api"):
        response = exception_handler(RuntimeError("boom"), {})
    assert response.status_code == 500
    assert response.data["code"] == "server_error" and response.data["fields"] == {}
    assert "boom" in caplog.text
