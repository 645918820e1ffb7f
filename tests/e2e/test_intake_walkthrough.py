"""A centre staff member, in a real browser, registers a case and finds it again."""

import pytest

from mediation.models import AuditAction, Case

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, name, text):
    """Pick an option in one of viewflow's Material selects."""
    page.click(f'vf-field-select[name="{name}"] .mdc-select__anchor')
    page.click(f'vf-field-select[name="{name}"] li:has-text("{text}")')


def log_in(page, base, username):
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-pass-2026")
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_centre_staff_registers_a_two_party_case_finds_it_and_reads_its_timeline(
    live_server, page, district
):
    base = live_server.url
    log_in(page, base, "centre")
    assert "案件" in page.inner_text("main")

    page.goto(f"{base}/cases/new/")
    page.fill("input[name=title]", "装修噪音扰民纠纷")
    page.fill("textarea[name=description]", "楼上住户连续两周夜间装修，噪音影响老人休息。")
    choose(page, "dispute_type", "邻里")
    choose(page, "channel", "来访")
    choose(page, "handling_org", "太湖街道调处中心")
    page.fill('input[name="parties-0-name"]', "欧阳明")
    page.fill('input[name="parties-0-id_number"]', "110105194912310021")  # wrong check digit
    page.fill('input[name="parties-0-phone"]', "13800138001")
    page.fill('input[name="parties-1-name"]', "司马青")
    page.click("button[type=submit].mdc-button--raised")

    # The error is shown in Chinese next to the field, and nothing was saved.
    page.wait_for_selector("text=公民身份号码校验位不正确")
    assert not Case.objects.exists()

    page.fill('input[name="parties-0-id_number"]', "11010519491231002X")
    with page.expect_navigation():
        page.click("button[type=submit].mdc-button--raised")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.parties.count() == 2

    page.goto(f"{base}/cases/?q=欧阳明")
    with page.expect_navigation():
        page.click(f"text={case.number}")
    assert page.url.endswith(f"/cases/{case.pk}/")
    timeline = page.inner_text("body")
    assert "案件上报" in timeline and "添加当事人" in timeline and "司马青" in timeline
    assert case.events.filter(action=AuditAction.PARTY_ADDED).count() == 2
