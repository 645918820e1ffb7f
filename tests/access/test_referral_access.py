"""Court, police and petition referrals are seen through their cases (``mediation.access``).

A referring body sees the cases it referred: status, deadlines, the outcome and the
documents sent back to it, never session records. A referral whose case a user may not
see is a 404, as one that does not exist, so that ids cannot be probed. The mediator
designated for a court referral sees it, in the same limited view, until they answer.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mediation import access, services_referral
from mediation.models import OrgKind, Role
from mediation.models.handoffs import PetitionReferral, PoliceReferral
from mediation.models.referrals import Referral
from tests.factories import org, report_case, staff
from tests.workflows.helpers_court import (
    SESSION_PLACE,
    START,
    at,
    last_referral,
    make_court,
    on_duty,
    pdf,
    perform,
    refer,
    schedule_session,
    take_and_consent,
    to_mediation,
)
from workflows.petition import petition_processes_visible_to
from workflows.police import police_processes_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def court(district):
    return make_court(district)


@pytest.fixture
def duty(court):
    on_duty(court, START.date(), 60)
    return court


@pytest.fixture
def other_clerk(district):
    """A clerk of another court in the same district."""
    other = org("jk-court-2", OrgKind.COURT, district.district, name="经开区第二人民法院")
    return staff("other-clerk", other, Role.COURT_CLERK)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def detail(referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def download(document) -> str:
    return reverse("referrals:download", args=[document.pk])


def designated(client, court) -> Referral:
    """A referral taken up, consented to, and designated by the rotation: the mediator's
    answer is awaited."""
    refer(client, court)
    referral = last_referral()
    take_and_consent(client, court, referral)
    perform(client, court.centre_staff, referral, "choose", {"mediator": ""})
    referral.refresh_from_db()
    assert referral.proposed_mediator is not None
    return referral


# Court referrals (诉调对接).


def test_other_court_gets_404_on_a_referral_and_its_documents(client, court, other_clerk):
    refer(client, court)
    referral = last_referral()
    document = referral.documents.get()
    assert get(client, court.clerk, detail(referral)).status_code == 200
    assert get(client, court.clerk, download(document)).status_code == 200

    for url in (
        detail(referral),
        download(document),
        reverse("referrals:action", args=[referral.pk, "extend"]),
    ):
        assert get(client, other_clerk, url).status_code == 404, url
    # The same answer as for a referral that does not exist.
    missing = Referral.objects.order_by("-pk").first().pk + 1000
    assert get(client, other_clerk, reverse("referrals:detail", args=[missing])).status_code == 404
    page = get(client, other_clerk, reverse("referrals:list"))
    assert referral.case.number not in page.content.decode()


def test_referring_court_does_not_see_session_records_on_the_referral_page(client, duty):
    court = duty
    with at("2026-09-01"):
        refer(client, court)
        referral = last_referral()
        mediator = to_mediation(client, court, referral)
        schedule_session(client, mediator, referral, "2026-09-02")
        page = get(client, court.centre_staff, detail(referral)).content.decode()
        assert SESSION_PLACE in page

        response = get(client, court.clerk, detail(referral))
        page = response.content.decode()
        assert response.status_code == 200 and not response.context["access"].full
        assert referral.case.number in page and str(referral.get_status_display()) in page
        assert SESSION_PLACE not in page and 'id="sessions"' not in page
        assert "mp-limited-view" in page


def test_referring_court_downloads_the_documents_sent_back_to_it(client, duty, other_clerk):
    """The parties' written consent to keep a conflicted mediator goes on the referral."""
    court = duty
    with at("2026-09-01"):
        referral = designated(client, court)
        mediator = referral.proposed_mediator
        answer = {"accept": "1", "conflict": "与申请人系同学", "consent": pdf("双方同意书.pdf")}
        perform(client, mediator, referral, "answer", answer)
        consent = referral.documents.get(kind="consent")
    assert get(client, court.clerk, download(consent)).status_code == 200
    assert get(client, other_clerk, download(consent)).status_code == 404


def test_proposed_mediator_sees_the_referral_until_they_decline(client, duty):
    court = duty
    with at("2026-09-01"):
        referral = designated(client, court)
        first = referral.proposed_mediator
        others = [m for m in court.mediators if m != first]
        material = referral.documents.get()
        # Enough to decide: the referral, its claim and parties, the court's materials;
        # in the limited view, without session records.
        response = get(client, first, detail(referral))
        assert response.status_code == 200 and referral.claim in response.content.decode()
        assert not response.context["access"].full
        assert get(client, first, download(material)).status_code == 200
        case_access = access.case_access(first, referral.case)
        assert case_access.relations == {access.Relation.PROPOSED}
        assert not case_access.full and not case_access.may_write and not case_access.unmasked
        for mediator in others:
            assert get(client, mediator, detail(referral)).status_code == 404

        perform(client, first, referral, "answer", {"accept": "0", "reason": "近期出差"})
        referral.refresh_from_db()
        assert get(client, first, detail(referral)).status_code == 404
        assert get(client, first, download(material)).status_code == 404
        assert not access.may_see_case(first, referral.case)
        # The next one designated sees it now.
        assert referral.proposed_mediator not in (None, first)
        assert get(client, referral.proposed_mediator, detail(referral)).status_code == 200


def test_proposed_mediator_loses_the_referral_when_the_answer_period_runs_out(client, duty):
    """The flow's timeout: no answer is noted, and the rotation designates the next."""
    court = duty
    with at("2026-09-01"):
        referral = designated(client, court)
        silent = referral.proposed_mediator
        assert access.may_see_case(silent, referral.case)
        services_referral.referral_no_answer(referral=referral)
        assert get(client, silent, detail(referral)).status_code == 404
        services_referral.referral_designate(referral=referral)
        referral.refresh_from_db()
        replacement = referral.proposed_mediator
        assert replacement not in (None, silent)
    assert not access.cases_visible_to(silent).filter(pk=referral.case_id).exists()
    assert access.cases_visible_to(replacement).filter(pk=referral.case_id).exists()
    assert get(client, silent, detail(referral)).status_code == 404
    assert get(client, replacement, detail(referral)).status_code == 200


def test_proposed_mediator_who_accepts_sees_the_whole_case(client, duty):
    court = duty
    with at("2026-09-01"):
        referral = designated(client, court)
        mediator = referral.proposed_mediator
        perform(client, mediator, referral, "answer", {"accept": "1"})
    case_access = access.case_access(mediator, referral.case_id)
    assert access.Relation.PROPOSED not in case_access.relations
    assert case_access.full and case_access.is_handler


def test_centre_queue_and_court_list_hold_only_their_own_referrals(
    client, court, district, other_clerk
):
    refer(client, court)
    referral = last_referral()
    for user, listed in (
        (court.clerk, True),
        (court.centre_staff, True),
        (other_clerk, False),
        (district.other_street_staff, False),
    ):
        page = get(client, user, reverse("referrals:list")).content.decode()
        assert (referral.case.number in page) is listed, user


def test_referral_list_reads_a_fixed_number_of_queries(client, court):
    def queries(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("referrals:list")).status_code == 200
        return len(captured)

    refer(client, court)
    one = {user.pk: queries(user) for user in (court.clerk, court.centre_staff)}
    for _ in range(2):
        refer(client, court)
    assert {user.pk: queries(user) for user in (court.clerk, court.centre_staff)} == one


# Police (公调对接) and petition (访调对接) referrals.


@pytest.fixture
def other_bodies(world):
    """A second station and bureau in the district, each with a referral of its own."""
    d = world.district
    station = org("jk-pcs-hb", OrgKind.POLICE_STATION, d.district, name="湖滨派出所")
    bureau = org("jk-xfj-2", OrgKind.PETITION_BUREAU, d.district, name="第二信访局")
    officer = staff("other-police", station, Role.POLICE_OFFICER)
    petition_staff = staff("other-petition", bureau, Role.PETITION_STAFF)
    now, today = timezone.now(), timezone.localdate()
    police = PoliceReferral.objects.create(
        case=report_case(handling_org=d.street, actor=d.street_staff, title="湖滨派出所移交"),
        station=station,
        officer=officer,
        incident_at=now,
        location="湖滨路2号",
        account="噪音纠纷",
        accept_by=now + datetime.timedelta(hours=24),
    )
    petition = PetitionReferral.objects.create(
        case=report_case(handling_org=d.street, actor=d.street_staff, title="第二信访局转办"),
        bureau=bureau,
        transferred_by=petition_staff,
        petition_number="经信〔2026〕2号",
        registered_on=today,
        transferred_on=today,
        consent=True,
        consented_by="双方当事人",
        objection_by=today + datetime.timedelta(days=7),
        handle_by=today + datetime.timedelta(days=60),
    )
    return officer, petition_staff, police, petition


def test_police_station_sees_only_its_own_referrals(client, world, other_bodies):
    other_officer, _staff, other_referral, _petition = other_bodies
    own = PoliceReferral.objects.get(case=world.police_case)
    page = get(client, world.police_officer, reverse("policereferral:referrals"))
    assert [r.pk for r in page.context["sent"]] == [own.pk]
    assert list(page.context["received"]) == []
    page = get(client, other_officer, reverse("policereferral:referrals"))
    assert [r.pk for r in page.context["sent"]] == [other_referral.pk]

    processes = police_processes_visible_to(world.police_officer)
    assert not processes.filter(referral=other_referral).exists()
    # Another station's referral: a 404, as for one that does not exist.
    url = reverse("policereferral:hand_back", args=[other_referral.pk])
    assert get(client, world.police_officer, url).status_code == 404
    # Its own: seen, but the centre hands back, not the station.
    url = reverse("policereferral:hand_back", args=[own.pk])
    assert get(client, world.police_officer, url).status_code == 403


def test_petition_bureau_sees_only_its_own_transfers(client, world, other_bodies):
    _officer, other_staff, _police, other_referral = other_bodies
    own = PetitionReferral.objects.get(case=world.petition_case)
    page = get(client, world.petition_staff, reverse("petitionreferral:referrals"))
    assert [r.pk for r in page.context["sent"]] == [own.pk]
    assert list(page.context["received"]) == []
    page = get(client, other_staff, reverse("petitionreferral:referrals"))
    assert [r.pk for r in page.context["sent"]] == [other_referral.pk]

    processes = petition_processes_visible_to(world.petition_staff)
    assert not processes.filter(referral=other_referral).exists()
    for name in ("object", "extend"):
        url = reverse(f"petitionreferral:{name}", args=[other_referral.pk])
        assert get(client, world.petition_staff, url).status_code == 404
        url = reverse(f"petitionreferral:{name}", args=[own.pk])
        assert get(client, world.petition_staff, url).status_code == 403


def test_receiving_centre_lists_the_referrals_it_runs_and_another_district_gets_404(client, world):
    police = PoliceReferral.objects.get(case=world.police_case)
    petition = PetitionReferral.objects.get(case=world.petition_case)
    street_staff = world.district.street_staff
    page = get(client, street_staff, reverse("policereferral:referrals"))
    assert police.pk in [r.pk for r in page.context["received"]]
    page = get(client, street_staff, reverse("petitionreferral:referrals"))
    assert petition.pk in [r.pk for r in page.context["received"]]
    for user in (world.district.other_street_staff, world.other_district_staff):
        page = get(client, user, reverse("policereferral:referrals"))
        assert police.pk not in [r.pk for r in page.context["received"]]
        url = reverse("policereferral:hand_back", args=[police.pk])
        assert get(client, user, url).status_code == 404
        url = reverse("petitionreferral:object", args=[petition.pk])
        assert get(client, user, url).status_code == 404
