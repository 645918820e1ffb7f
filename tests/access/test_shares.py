"""One-off shares: only a centre director grants or revokes them, always with a reason,
audited; a share opens the case (masked) and a revoked one closes it on the next request."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from guardian.core import ObjectPermissionChecker
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from mediation import access, services_access
from mediation.models import (
    AuditAction,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Membership,
    Role,
)
from tests.factories import staff

from .conftest import PHONE, PHONE_MASKED

pytestmark = pytest.mark.django_db


def share_url(case):
    return reverse("cases:shares", args=[case.pk])


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def grant(client, director, case, **data):
    client.force_login(director)
    return client.post(share_url(case), data)


def test_share_without_reason_is_refused(client, world):
    case = world.street_case
    response = grant(client, world.director, case, user=world.clerk.pk, reason="  ")
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not CaseUserObjectPermission.objects.exists()
    assert not case.events.filter(action=AuditAction.CASE_SHARED).exists()
    with pytest.raises(ValidationError) as refused:
        services_access.case_share_grant(
            case=case, actor=world.director, reason="", user=world.clerk
        )
    assert "reason" in refused.value.message_dict


def test_share_is_refused_to_anyone_but_a_centre_director(client, world):
    case = world.street_case
    client.force_login(world.district.street_staff)
    assert client.get(share_url(case)).status_code == 403
    assert (
        grant(
            client, world.district.street_staff, case, user=world.clerk.pk, reason="x"
        ).status_code
        == 403
    )
    with pytest.raises(ValidationError):
        services_access.case_share_grant(
            case=case, actor=world.district.street_staff, reason="协助", user=world.clerk
        )
    assert not CaseUserObjectPermission.objects.exists()


def test_share_page_of_a_case_out_of_sight_gets_404(client, world):
    client.force_login(world.district.other_street_staff)
    assert client.get(share_url(world.street_case)).status_code == 404


def test_shared_user_sees_the_case_with_personal_data_masked(client, world):
    case, clerk = world.street_case, world.clerk
    client.force_login(clerk)
    assert client.get(detail(case)).status_code == 404

    response = grant(client, world.director, case, user=clerk.pk, reason="法院核实诉前调解情况")
    assert response.status_code == 302
    event = case.events.get(action=AuditAction.CASE_SHARED)
    assert event.actor == world.director
    assert event.data == {"reason": "法院核实诉前调解情况", "user": "clerk"}

    client.force_login(clerk)
    content = client.get(detail(case)).content.decode()
    assert PHONE_MASKED in content and PHONE not in content
    assert access.Relation.SHARED in access.case_access(clerk, case).relations


def test_organisation_share_opens_the_case_to_its_staff_while_they_hold_their_post(client, world):
    case, station = world.street_case, world.police_station
    grant(client, world.director, case, organisation=station.pk, reason="派出所协助调查")
    newcomer = staff("police-2", station, Role.POLICE_OFFICER)
    for officer in (world.police_officer, newcomer):
        assert access.may_see_case(officer, case)
    Membership.objects.filter(user=newcomer).delete()
    client.force_login(newcomer)
    assert client.get(detail(case)).status_code == 404
    assert not access.may_see_case(world.petition_staff, case)
    event = case.events.get(action=AuditAction.CASE_SHARED)
    assert event.data["organisation"] == station.code


def test_revoked_share_takes_effect_on_next_request(client, world):
    case, clerk = world.street_case, world.clerk
    grant(client, world.director, case, user=clerk.pk, reason="法院核实")
    share = CaseUserObjectPermission.objects.get()
    client.force_login(clerk)
    assert client.get(detail(case)).status_code == 200

    client.force_login(world.director)
    url = reverse("cases:share_revoke", args=[case.pk, "user", share.pk])
    assert client.post(url, {"reason": "核实完毕"}).status_code == 302

    client.force_login(clerk)
    assert client.get(detail(case)).status_code == 404
    event = case.events.get(action=AuditAction.CASE_SHARE_REVOKED)
    assert event.actor == world.director and event.data["reason"] == "核实完毕"


def test_revoked_organisation_share_takes_effect_on_next_request(client, world):
    case = world.street_case
    grant(client, world.director, case, organisation=world.petition_bureau.pk, reason="信访核查")
    share = CaseGroupObjectPermission.objects.get()
    assert access.may_see_case(world.petition_staff, case)
    services_access.case_share_revoke(share=share, actor=world.director, reason="核查完毕")
    assert not access.may_see_case(world.petition_staff, case)


def test_revoke_without_reason_is_refused_and_the_share_stays(client, world):
    case = world.street_case
    grant(client, world.director, case, user=world.clerk.pk, reason="法院核实")
    share = CaseUserObjectPermission.objects.get()
    url = reverse("cases:share_revoke", args=[case.pk, "user", share.pk])
    assert client.post(url, {"reason": ""}).status_code == 302
    assert CaseUserObjectPermission.objects.filter(pk=share.pk).exists()
    assert access.may_see_case(world.clerk, case)
    assert not case.events.filter(action=AuditAction.CASE_SHARE_REVOKED).exists()


def test_share_with_a_party_who_holds_no_post_is_refused(client, world):
    response = grant(
        client, world.director, world.street_case, user=world.party_user.pk, reason="当事人查看"
    )
    assert response.status_code == 200
    with pytest.raises(ValidationError):
        services_access.case_share_grant(
            case=world.street_case, actor=world.director, reason="当事人查看", user=world.party_user
        )
    assert not access.cases_visible_to(world.party_user).exists()


def test_share_twice_with_the_same_user_is_refused(world):
    kwargs = {"case": world.street_case, "actor": world.director, "user": world.clerk}
    services_access.case_share_grant(reason="第一次", **kwargs)
    with pytest.raises(ValidationError):
        services_access.case_share_grant(reason="第二次", **kwargs)
    assert CaseUserObjectPermission.objects.count() == 1


def test_shares_are_guardian_permissions_on_direct_foreign_key_tables(world):
    case = world.street_case
    assert get_user_obj_perms_model(case) is CaseUserObjectPermission
    assert get_group_obj_perms_model(case) is CaseGroupObjectPermission
    services_access.case_share_grant(
        case=case, actor=world.director, reason="核实", user=world.clerk
    )
    assert ObjectPermissionChecker(world.clerk).has_perm("view_case", case)
    assert not ObjectPermissionChecker(world.police_officer).has_perm("view_case", case)
