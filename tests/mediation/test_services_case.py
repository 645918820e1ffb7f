import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mediation import services
from mediation.models import (
    AuditAction,
    AuditEvent,
    Case,
    CaseParty,
    PartyRole,
    Person,
    PersonKind,
    SpecialGroup,
    Tier,
)
from tests.factories import make_credit_code, make_id_number, natural, report_case

pytestmark = pytest.mark.django_db


def test_case_numbers_run_without_gaps_per_centre_and_year(district):
    numbers = [report_case(handling_org=district.community).number for _ in range(3)]
    other = report_case(handling_org=district.district).number
    year = timezone.localdate().year
    assert numbers == [f"（{year}）经开太湖调字第0000{i}号" for i in (1, 2, 3)]
    assert other == f"（{year}）经开调字第00001号"


def test_case_numbers_restart_each_year(district):
    last_year = timezone.now() - datetime.timedelta(days=400)
    old = report_case(handling_org=district.street, reported_at=last_year)
    new = report_case(handling_org=district.street)
    assert old.serial == 1 and new.serial == 1
    assert old.year == timezone.localtime(last_year).year < new.year


def test_failed_intake_gives_its_number_back(district):
    report_case(handling_org=district.street)
    with pytest.raises(ValidationError):
        # Same person twice: caught only after the number was taken, inside the transaction.
        id_number = make_id_number()
        report_case(
            handling_org=district.street,
            parties=[
                natural("王五", PartyRole.APPLICANT, id_number=id_number),
                natural("王五", PartyRole.RESPONDENT, id_number=id_number),
            ],
        )
    assert report_case(handling_org=district.street).serial == 2


def test_intake_writes_case_parties_and_audit_in_one_go(district):
    case = report_case(handling_org=district.grid, actor=district.grid_worker)
    assert case.parties.count() == 2
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [AuditAction.CASE_REPORTED, AuditAction.PARTY_ADDED, AuditAction.PARTY_ADDED]
    assert case.events.first().actor == district.grid_worker


@pytest.mark.parametrize(
    ("party_fields", "error_key"),
    [
        ({"id_number": "110105194912310021"}, "parties.0.id_number"),
        ({"phone": "12345"}, "parties.0.phone"),
        ({"phone": ""}, "parties.0.phone"),  # an applicant must be reachable
        ({"name": "  "}, "parties.0.name"),
    ],
)
def test_invalid_party_saves_nothing(district, party_fields, error_key):
    fields = {"id_number": make_id_number(), **party_fields}
    name = fields.pop("name", "张三")
    with pytest.raises(ValidationError) as exc:
        report_case(
            handling_org=district.street,
            parties=[natural(name, PartyRole.APPLICANT, **fields), natural("李四", "respondent")],
        )
    assert error_key in exc.value.message_dict
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(case__isnull=False).exists()


def test_invalid_credit_code_of_a_legal_person_is_refused(district):
    company = services.PartyInput(
        role=PartyRole.RESPONDENT,
        person=services.PersonInput(
            kind=PersonKind.LEGAL, name="某物业公司", credit_code="91350100M000100Y44"
        ),
    )
    with pytest.raises(ValidationError) as exc:
        report_case(handling_org=district.street, parties=[natural("张三"), company])
    assert "parties.1.credit_code" in exc.value.message_dict
    assert not Case.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("1e12"), Decimal("10.005")])
def test_negative_absurd_or_fractional_amount_is_refused(district, amount):
    with pytest.raises(ValidationError) as exc:
        report_case(handling_org=district.street, amount=amount)
    assert "amount" in exc.value.message_dict
    assert not Case.objects.exists()


@pytest.mark.parametrize("missing", [PartyRole.APPLICANT, PartyRole.RESPONDENT])
def test_case_without_an_applicant_or_respondent_is_refused(district, missing):
    roles = [r for r in (PartyRole.APPLICANT, PartyRole.RESPONDENT) if r != missing]
    parties = [natural(f"当事人{i}", role) for i, role in enumerate(roles)]
    with pytest.raises(ValidationError) as exc:
        report_case(handling_org=district.street, parties=parties)
    assert "parties" in exc.value.message_dict
    assert not Case.objects.exists()


def test_same_intake_token_twice_returns_the_first_case(district):
    token = uuid.uuid4()
    first = report_case(handling_org=district.street, intake_token=token)
    second = report_case(handling_org=district.street, intake_token=token)
    assert first.pk == second.pk
    assert Case.objects.count() == 1
    assert report_case(handling_org=district.street).serial == 2  # no number was burnt


def test_returning_party_is_found_by_id_number_not_duplicated(district):
    id_number = make_id_number()
    report_case(
        handling_org=district.street,
        parties=[natural("张三", id_number=id_number), natural("李四", "respondent")],
    )
    report_case(
        handling_org=district.street,
        parties=[
            natural("张三", id_number=id_number, phone="13912345678"),
            natural("赵六", "respondent"),
        ],
    )
    person = Person.objects.get(id_number=id_number)
    assert person.phone == "13912345678"
    assert CaseParty.objects.filter(person=person).count() == 2


def test_special_group_party_makes_the_case_a_priority(district):
    case = report_case(
        handling_org=district.street,
        parties=[
            natural("张大爷", special_groups=[SpecialGroup.ELDERLY]),
            natural("李四", "respondent"),
        ],
    )
    assert case.is_priority


def test_legal_person_and_agent_are_recorded(district):
    company = services.PartyInput(
        role=PartyRole.RESPONDENT,
        person=services.PersonInput(
            kind=PersonKind.LEGAL,
            name="某物业服务有限公司",
            credit_code=make_credit_code(),
            legal_representative="王经理",
        ),
        agent=services.PersonInput(kind=PersonKind.NATURAL, name="刘律师", phone="13700001111"),
        agent_relation="委托代理人",
    )
    case = report_case(handling_org=district.street, parties=[natural("张三"), company])
    party = case.parties.get(role=PartyRole.RESPONDENT)
    assert party.person.kind == PersonKind.LEGAL and party.agent.name == "刘律师"


def test_tier_at_intake_sets_the_due_date(district):
    reported = timezone.make_aware(datetime.datetime(2026, 9, 24, 10, 0))
    case = report_case(handling_org=district.street, tier=Tier.SMALL, reported_at=reported)
    assert case.due_at == datetime.date(2026, 10, 8)  # 7 days end on National Day


def test_organisation_outside_any_centre_cannot_register_cases(district):
    from tests.factories import org

    lone = org("lone-court", "court", None, name="外区法院")
    with pytest.raises(ValidationError):
        report_case(handling_org=lone)
