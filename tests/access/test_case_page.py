"""What the case page shows by relationship, and personal data (PIPL): masked for all but
the handler and the centre staff who run the case, and every unmasked view logged."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mediation import services, services_sessions
from mediation.models import PersonalDataAccess, Tier
from mediation.models.sessions import NoticeChannel
from mediation.personal_data import mask

from .conftest import PHONE, PHONE_MASKED

pytestmark = pytest.mark.django_db

SESSION_PLACE = "第三调解室"
PRIVATE_NOTE = "私下备注：申请人情绪激动"


def page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.fixture
def court_case_in_mediation(world):
    """The court's delegated case, in mediation at the district centre, a session set."""
    case, manager = world.court_case, world.district.centre_staff
    services.case_accept(case=case, actor=manager, tier=Tier.HARD)
    services.case_dispatch(
        case=case, actor=manager, organisation=world.district.district, mediator=None
    )
    services.case_start_mediation(case=case, actor=manager, note=PRIVATE_NOTE)
    services_sessions.session_schedule(
        case=case,
        actor=manager,
        scheduled_at=timezone.now() + datetime.timedelta(days=2),
        place=SESSION_PLACE,
        notices={party.pk: NoticeChannel.IN_PERSON for party in case.parties.all()},
    )
    case.refresh_from_db()
    return case


def test_referring_court_sees_status_but_not_session_records(
    client, world, court_case_in_mediation
):
    case = court_case_in_mediation
    response, content = page(client, world.clerk, case)
    assert not response.context["access"].full
    assert case.number in content and "mp-status--mediating" in content
    assert SESSION_PLACE not in content and 'id="sessions"' not in content
    assert PRIVATE_NOTE not in content
    assert "mp-limited-view" in content

    _response, content = page(client, world.district.centre_staff, case)
    assert SESSION_PLACE in content and PRIVATE_NOTE in content
    assert "mp-limited-view" not in content


def test_referring_court_sees_the_outcome(client, world, court_case_in_mediation):
    case = court_case_in_mediation
    services.case_record_outcome(
        case=case,
        actor=world.district.centre_staff,
        outcome="agreement",
        summary="双方达成还款协议",
    )
    _response, content = page(client, world.clerk, case)
    assert "双方达成还款协议" in content


def test_referring_court_gets_403_on_the_case_s_work_pages(client, world, court_case_in_mediation):
    client.force_login(world.clerk)
    for name in ("session_schedule", "rights_notice", "home_visit"):
        url = reverse(f"cases:{name}", args=[court_case_in_mediation.pk])
        assert client.get(url).status_code == 403, name


def test_mask_keeps_three_leading_and_four_trailing_characters():
    assert mask("110101198001011234") == "110***********1234"
    assert mask("13856785678") == "138****5678"
    assert mask("") == ""
    assert mask("1234") == "****"


def test_phone_masked_for_referring_police(client, world):
    _response, content = page(client, world.police_officer, world.police_case)
    assert PHONE_MASKED in content and PHONE not in content
    number = world.police_case.parties.get(person__name="张三").person.id_number
    assert mask(number) in content and number not in content
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "role", ["centre_staff", "director", "grid_worker", "superuser", "liaison"]
)
def test_personal_data_masked_for_everyone_who_does_not_handle_or_run_the_case(client, world, role):
    case = world.summoned_case if role == "liaison" else world.street_case
    _response, content = page(client, world.user(role), case)
    assert PHONE_MASKED in content and PHONE not in content
    assert not PersonalDataAccess.objects.exists()


def test_id_number_and_phone_unmasked_for_the_handling_mediator(client, world):
    _response, content = page(client, world.mediator, world.mediated_case)
    number = world.mediated_case.parties.get(person__name="张三").person.id_number
    assert PHONE in content and number in content


@pytest.mark.parametrize("role", ["street_staff", "street_director"])
def test_centre_staff_of_the_handling_organisation_see_personal_data(client, world, role):
    _response, content = page(client, world.user(role), world.street_case)
    assert PHONE in content and world.id_number in content


def test_unmasked_view_is_logged(client, world):
    case, mediator = world.mediated_case, world.mediator
    page(client, mediator, case)
    page(client, mediator, case)
    rows = PersonalDataAccess.objects.filter(user=mediator, case=case)
    assert rows.count() == 2
    row = rows.first()
    assert row.person.name == "张三"
    assert row.fields == ["id_number", "phone"]
    assert row.page == "cases:detail"
    assert row.path == reverse("cases:detail", args=[case.pk])
    assert row.at is not None
    # The respondent has neither an ID number nor a phone: nothing of theirs was shown.
    assert not PersonalDataAccess.objects.filter(person__name="李四").exists()


def test_every_template_shows_phone_and_id_numbers_through_the_mask():
    """A template that prints ``…phone`` or ``…id_number`` does it through ``|pd:``."""
    leaks = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for template in Path(directory).rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for match in re.finditer(r"\{\{[^}]*\b(phone|id_number)\b[^}]*\}\}", text):
                if "|pd:" not in match.group(0):
                    leaks.append(f"{template}: {match.group(0)}")
    assert not leaks, leaks
