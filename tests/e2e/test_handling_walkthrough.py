"""A grid worker, in a real browser, takes up a dispatched case and escalates it."""

import pytest
from django.test import Client

from mediation.models import CaseStatus, Notification, Tier
from tests.factories import report_case
from tests.workflows.helpers import perform

from .test_intake_walkthrough import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_grid_worker_starts_mediation_then_escalates_with_only_the_reason_field_shown(
    live_server, page, district
):
    case = report_case(handling_org=district.street, actor=district.street_staff)
    # The street accepts and dispatches the case through its pages.
    client = Client()
    perform(client, district.street_staff, case, "review", {"decision": "accept", "tier": "micro"})
    perform(
        client,
        district.street_staff,
        case,
        "dispatch",
        {"organisation": district.grid.pk, "mediator": district.grid_worker.pk},
    )

    base = live_server.url
    log_in(page, base, "gridder")
    page.goto(f"{base}/cases/{case.pk}/")
    page.click("text=开始调解")
    page.click("button:has-text('领取'):not(:has-text('继续'))")
    page.wait_for_url("**/execute/")
    with page.expect_navigation():
        page.click("button:has-text('办理'):not(:has-text('继续'))")
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING

    page.click("text=办理并登记结果")
    page.click("button:has-text('领取'):not(:has-text('继续'))")
    page.wait_for_url("**/execute/")
    assert page.is_visible("textarea[name=summary]")
    assert not page.is_visible("textarea[name=escalate_reason]")
    page.click("label:has-text('上报上一级')")
    assert page.is_visible("textarea[name=escalate_reason]")
    assert not page.is_visible("textarea[name=summary]")
    page.fill("textarea[name=escalate_reason]", "涉及整栋楼住户，网格无法协调")
    page.click("button:has-text('办理'):not(:has-text('继续'))")
    # The case has gone up to the community: the grid worker lands on their own tasks.
    page.wait_for_url("**/tasks/inbox/")

    case.refresh_from_db()
    assert case.tier == Tier.SMALL and case.handling_org == district.community
    assert Notification.objects.filter(case=case, organisation=district.community).exists()
