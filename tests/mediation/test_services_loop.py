"""The closed-loop services: each step checks the state it leaves and writes its audit row."""

import pytest
from django.core.exceptions import ValidationError

from mediation import services
from mediation.models import AuditAction, CaseRating, CaseStatus, Outcome, Role
from tests.factories import report_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(district):
    return report_case(handling_org=district.street, actor=district.street_staff)


def _to_verifying(district, case, handler):
    case = services.case_accept(case=case, actor=district.street_staff, tier="medium")
    case = services.case_dispatch(
        case=case, actor=district.street_staff, organisation=district.street
    )
    return services.case_record_outcome(
        case=case, actor=handler, outcome=Outcome.AGREEMENT, summary="达成协议"
    )


def test_accept_sets_tier_and_deadline_and_audits(district, case):
    case = services.case_accept(case=case, actor=district.street_staff, tier="small")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.tier == "small"
    assert case.accepted_at is not None and case.due_at is not None
    assert case.events.filter(action=AuditAction.CASE_ACCEPTED).exists()


def test_wrong_state_is_refused_and_nothing_changes(district, case):
    with pytest.raises(ValidationError):
        services.case_dispatch(case=case, actor=district.street_staff, organisation=district.grid)
    with pytest.raises(ValidationError):
        services.case_verify_close(case=case, actor=district.street_staff)
    services.case_reject(case=case, actor=district.street_staff, reason="重复")
    with pytest.raises(ValidationError):
        services.case_accept(case=case, actor=district.street_staff, tier="micro")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.tier == ""
    assert not case.events.filter(action=AuditAction.CASE_ACCEPTED).exists()


def test_reject_and_redirect_need_reasons(district, case):
    with pytest.raises(ValidationError):
        services.case_reject(case=case, actor=None, reason="  ")
    with pytest.raises(ValidationError):
        services.case_redirect(case=case, actor=None, to_body="", reason="x", police=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_redirect_to_police_is_recorded_art25(district, case):
    services.case_redirect(
        case=case, actor=district.street_staff, to_body="派出所", reason="可能激化", police=True
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REDIRECTED and case.closed_at is not None
    assert case.events.get(action=AuditAction.CASE_REDIRECTED).data["police"] is True


def test_merge_needs_another_open_case(district, case):
    with pytest.raises(ValidationError):
        services.case_merge(case=case, actor=None, into=case, reason="同一")
    closed = report_case(handling_org=district.street)
    services.case_reject(case=closed, actor=None, reason="不受理")
    with pytest.raises(ValidationError):
        services.case_merge(case=case, actor=None, into=closed, reason="同一")
    other = report_case(handling_org=district.street)
    services.case_merge(case=case, actor=None, into=other, reason="同一")
    case.refresh_from_db()
    assert case.status == CaseStatus.MERGED and case.merged_into == other


@pytest.mark.parametrize(
    ("tier", "org_attr", "ok"),
    [
        ("micro", "grid", True),
        ("micro", "community", False),
        ("small", "community", True),
        ("medium", "street", True),
        ("medium", "other_street", False),
        ("hard", "district", True),
        ("hard", "street", False),
    ],
)
def test_dispatch_must_match_the_tier_level(district, case, tier, org_attr, ok):
    services.case_accept(case=case, actor=None, tier=tier)
    organisation = getattr(district, org_attr)
    if ok:
        services.case_dispatch(case=case, actor=None, organisation=organisation)
        case.refresh_from_db()
        assert case.status == CaseStatus.DISPATCHED and case.handling_org == organisation
    else:
        with pytest.raises(ValidationError):
            services.case_dispatch(case=case, actor=None, organisation=organisation)
        case.refresh_from_db()
        assert case.status == CaseStatus.ACCEPTED and case.handling_org == district.street


def test_dispatch_mediator_must_work_there(district, case):
    services.case_accept(case=case, actor=None, tier="micro")
    with pytest.raises(ValidationError):
        services.case_dispatch(
            case=case, actor=None, organisation=district.grid, mediator=district.other_street_staff
        )


def test_termination_requires_reasons_and_other_routes_art26(district, case):
    services.case_accept(case=case, actor=None, tier="medium")
    services.case_dispatch(case=case, actor=None, organisation=district.street)
    with pytest.raises(ValidationError) as error:
        services.case_record_outcome(
            case=case, actor=None, outcome=Outcome.TERMINATED, summary="未达成"
        )
    assert set(error.value.message_dict) == {"reasons", "other_routes"}
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED


def test_verifier_cannot_be_the_handler(district, case):
    case = _to_verifying(district, case, district.street_staff)
    with pytest.raises(ValidationError):
        services.case_verify_close(case=case, actor=district.street_staff)
    colleague = staff("th-b", district.street, Role.CENTRE_STAFF)
    services.case_verify_close(case=case, actor=colleague)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_rating_is_once_per_party_one_to_five_after_closing(district, case):
    party = case.parties.first()
    with pytest.raises(ValidationError):
        services.case_rate(case=case, party=party, stars=5)
    case = _to_verifying(district, case, district.street_staff)
    services.case_verify_close(case=case, actor=district.centre_staff)
    for stars in (0, 6):
        with pytest.raises(ValidationError):
            services.case_rate(case=case, party=party, stars=stars)
    services.case_rate(case=case, party=party, stars=5, comment="满意")
    with pytest.raises(ValidationError):
        services.case_rate(case=case, party=party, stars=4)
    other_party = report_case(handling_org=district.street).parties.first()
    with pytest.raises(ValidationError):
        services.case_rate(case=case, party=other_party, stars=4)
    assert CaseRating.objects.filter(case=case).count() == 1


def test_rating_close_needs_a_closed_case_and_notes_who_did_not_rate(district, case):
    with pytest.raises(ValidationError):
        services.case_rating_close(case=case)
    case = _to_verifying(district, case, district.street_staff)
    services.case_verify_close(case=case, actor=district.centre_staff)
    services.case_rating_close(case=case)
    event = case.events.get(action=AuditAction.CASE_RATING_CLOSED)
    assert sorted(event.data["unrated"]) == ["张三", "李四"]


def test_ratings_of_several_parties_are_saved_together_or_not_at_all(district, case):
    case = _to_verifying(district, case, district.street_staff)
    services.case_verify_close(case=case, actor=district.centre_staff)
    first, second = case.parties.all()[:2]
    with pytest.raises(ValidationError):
        services.case_rate_parties(
            case=case,
            ratings=[
                services.RatingInput(party=first, stars=5),
                services.RatingInput(party=second, stars=9),
            ],
        )
    assert not case.ratings.exists()
    with pytest.raises(ValidationError):
        services.case_rate_parties(
            case=case,
            ratings=[
                services.RatingInput(party=first, stars=5),
                services.RatingInput(party=first, stars=4),
            ],
        )
    assert not case.ratings.exists()
