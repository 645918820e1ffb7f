import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from mediation.models import AuditEvent, Case, CaseParty, Person
from tests.factories import UserFactory, make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

INTAKE_URL = reverse("cases:intake")


def party(index: int, **fields) -> dict[str, str]:
    return {f"parties-{index}-{key}": value for key, value in fields.items()}


def intake_data(district, token=None, parties=None, **fields) -> dict:
    data = {
        "intake_token": str(token or uuid.uuid4()),
        "title": "拖欠工资纠纷",
        "description": "某装修公司拖欠三名工人工资共计一万二千元。",
        "dispute_type": "labour",
        "channel": "walk_in",
        "tier": "small",
        "amount": "12000.00",
        "handling_org": str(district.community.pk),
        "grid": str(district.grid.pk),
        "location": "新园小区",
    }
    data.update(fields)
    if parties is None:
        parties = [
            party(
                0,
                role="applicant",
                kind="natural",
                name="张三",
                id_number=make_id_number(),
                phone="13800138000",
                special_groups="migrant_worker",
            ),
            party(
                1,
                role="respondent",
                kind="legal",
                name="某装修公司",
                credit_code=make_credit_code(),
                legal_representative="王五",
                phone="0571-88888888",
            ),
        ]
    data.update(
        {
            "parties-TOTAL_FORMS": str(len(parties)),
            "parties-INITIAL_FORMS": "2",
            "parties-MIN_NUM_FORMS": "2",
            "parties-MAX_NUM_FORMS": "20",
        }
    )
    for row in parties:
        data.update(row)
    return data


def assert_nothing_saved():
    assert Case.objects.count() == 0
    assert CaseParty.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(case__isnull=False).exists()


def party_errors(response, index: int) -> dict:
    return response.context["formset"].forms[index].errors


def test_intake_requires_login(client):
    response = client.get(INTAKE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_intake_is_refused_to_a_user_without_a_post(client, district):
    client.force_login(UserFactory(username="visitor"))
    assert client.get(INTAKE_URL).status_code == 403
    assert client.post(INTAKE_URL, intake_data(district)).status_code == 403
    assert_nothing_saved()


def test_intake_form_shows_two_party_rows_and_a_fresh_token(client, district):
    client.force_login(district.street_staff)
    first = client.get(INTAKE_URL)
    second = client.get(INTAKE_URL)

    assert first.status_code == 200
    assert len(first.context["formset"].forms) == 2
    assert first.context["form"]["intake_token"].value() != (
        second.context["form"]["intake_token"].value()
    )
    content = first.content.decode()
    assert 'name="parties-0-role"' in content and 'name="parties-1-role"' in content
    assert 'name="parties-1-special_groups"' in content


def test_intake_offers_only_organisations_the_user_may_register_for(client, district):
    client.force_login(district.street_staff)
    form = client.get(INTAKE_URL).context["form"]

    assert set(form.fields["handling_org"].queryset) == {
        district.street,
        district.community,
        district.grid,
    }
    assert set(form.fields["grid"].queryset) == {district.grid}

    response = client.post(
        INTAKE_URL, intake_data(district, handling_org=str(district.other_street.pk))
    )
    assert "handling_org" in response.context["form"].errors
    assert_nothing_saved()


def test_intake_registers_a_case_with_two_parties(client, district):
    client.force_login(district.street_staff)

    response = client.post(INTAKE_URL, intake_data(district))

    case = Case.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.handling_org == district.community
    assert case.grid == district.grid
    assert case.centre == district.street
    assert str(case.amount) == "12000.00"
    assert case.reported_by == district.street_staff
    assert case.is_priority
    assert case.due_at is not None
    parties = list(case.parties.select_related("person").order_by("id"))
    assert [(p.role, p.person.name) for p in parties] == [
        ("applicant", "张三"),
        ("respondent", "某装修公司"),
    ]
    assert parties[0].person.special_groups == ["migrant_worker"]
    assert parties[1].person.legal_representative == "王五"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"案件已登记，案号：{case.number}"
    ]
    assert client.get(response["Location"]).status_code == 200


def test_intake_records_an_agent_and_ignores_an_empty_added_row(client, district):
    client.force_login(district.grid_worker)
    data = intake_data(district, handling_org=str(district.grid.pk))
    data.update(party(1, agent_name="李小四", agent_phone="13900139000", agent_relation="儿子"))
    data.update(party(2, role="", kind="natural"))
    data["parties-TOTAL_FORMS"] = "3"

    response = client.post(INTAKE_URL, data)

    assert response.status_code == 303
    respondent = CaseParty.objects.get(role="respondent")
    assert respondent.agent.name == "李小四"
    assert respondent.agent.phone == "13900139000"
    assert respondent.agent_relation == "儿子"
    assert CaseParty.objects.count() == 2


def test_intake_with_invalid_id_number_shows_chinese_error_and_saves_nothing(client, district):
    client.force_login(district.street_staff)
    bad = make_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    data = intake_data(district)
    data["parties-0-id_number"] = bad

    response = client.post(INTAKE_URL, data)

    assert response.status_code == 200
    assert list(party_errors(response, 0)) == ["id_number"]
    assert_nothing_saved()


def test_intake_with_invalid_credit_code_shows_chinese_error_and_saves_nothing(client, district):
    client.force_login(district.street_staff)
    data = intake_data(district)
    data["parties-1-credit_code"] = "91110000ABCDEFGHIO"

    response = client.post(INTAKE_URL, data)

    assert list(party_errors(response, 1)) == ["credit_code"]
    assert_nothing_saved()


def test_intake_with_invalid_phone_shows_chinese_error_and_saves_nothing(client, district):
    client.force_login(district.street_staff)
    data = intake_data(district)
    data["parties-0-phone"] = "12345"
    data["parties-1-agent_name"] = "李小四"
    data["parties-1-agent_phone"] = "555"

    response = client.post(INTAKE_URL, data)

    assert list(party_errors(response, 0)) == ["phone"]
    assert list(party_errors(response, 1)) == ["agent_phone"]
    assert_nothing_saved()


@pytest.mark.parametrize("amount", ["-1", "100000000000", "12.345"])
def test_intake_with_negative_or_absurd_amount_shows_chinese_error_and_saves_nothing(
    client, district, amount
):
    client.force_login(district.street_staff)

    response = client.post(INTAKE_URL, intake_data(district, amount=amount))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["amount"]
    assert_nothing_saved()


def test_intake_with_missing_respondent_shows_chinese_error_and_saves_nothing(client, district):
    client.force_login(district.street_staff)
    data = intake_data(district)
    data["parties-1-role"] = "applicant"

    response = client.post(INTAKE_URL, data)

    assert len(response.context["formset"].non_form_errors()) == 1
    assert_nothing_saved()


def test_intake_maps_the_services_party_rules_onto_the_party_fields(client, district):
    client.force_login(district.street_staff)
    data = intake_data(district)
    # Rules the service checks across fields: an applicant needs a phone, and a
    # natural person has no credit code.
    data["parties-0-phone"] = ""
    data["parties-1-kind"] = "natural"

    response = client.post(INTAKE_URL, data)

    assert list(party_errors(response, 0)) == ["phone"]
    assert list(party_errors(response, 1)) == ["credit_code"]
    assert_nothing_saved()


def test_intake_maps_the_same_person_twice_onto_the_parties(client, district):
    client.force_login(district.street_staff)
    id_number = make_id_number()
    data = intake_data(district)
    data.update(party(1, kind="natural", credit_code="", id_number=id_number))
    data["parties-0-id_number"] = id_number

    response = client.post(INTAKE_URL, data)

    assert len(response.context["formset"].non_form_errors()) == 1
    assert_nothing_saved()


def test_double_submitted_intake_creates_one_case(client, district):
    client.force_login(district.street_staff)
    data = intake_data(district)

    first = client.post(INTAKE_URL, data)
    second = client.post(INTAKE_URL, data)

    assert Case.objects.count() == 1
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]


def test_intake_error_page_keeps_its_token(client, district):
    client.force_login(district.street_staff)
    token = uuid.uuid4()

    response = client.post(INTAKE_URL, intake_data(district, token=token, title=""))

    assert "title" in response.context["form"].errors
    assert response.context["form"]["intake_token"].value() == str(token)


def test_turbo_gets_422_for_a_form_with_errors(client, district):
    client.force_login(district.street_staff)
    response = client.post(
        INTAKE_URL, intake_data(district, title=""), HTTP_X_REQUEST_FRAMEWORK="Turbo"
    )
    assert response.status_code == 422
    assert_nothing_saved()


def test_language_switch_to_english(client, district):
    client.force_login(district.street_staff)
    assert '<html lang="zh-hans"' in client.get(INTAKE_URL).content.decode()

    response = client.post(
        reverse("set_language"), {"language": "en", "next": INTAKE_URL}, follow=True
    )

    assert response.redirect_chain[-1][0] == INTAKE_URL
    assert client.cookies["django_language"].value == "en"
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Register a case" in content
    assert f'action="{reverse("set_language")}"' in content


def test_login_page_names_the_platform(client):
    content = client.get(reverse("login")).content.decode()
    assert "Viewflow Demo" not in content
    assert 'action="/i18n/setlang/"' in content
