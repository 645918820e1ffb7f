"""A party on a 360-pixel phone opens the link from their text message, confirms the
code sent to their phone, sees their case, and signs the agreement by drawing it.

Set PORTAL_SCREENSHOTS to a directory to keep the screenshots of each step.
"""

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from documents import services as document_services
from documents.models import DocumentStatus, Signature
from documents.portal import services as portal_services
from documents.portal import steps
from mediation.models import CaseRating, PartyRole
from mediation.models.referrals import ConsentAnswer, PartyConsent
from tests.documents.lifecycle import AGREEMENT
from tests.documents.portal_helpers import (
    APPLICANT_PHONE,
    LINK_RE,
    code_in,
    handled_case,
    last_sms,
    party,
    two_party_case,
    use_locmem,
)
from tests.workflows.helpers import close_case
from tests.workflows.helpers_court import last_referral, make_court, perform, refer

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 360, 740


@pytest.fixture
def outbox(settings, tmp_path):
    yield from use_locmem(settings, tmp_path)


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shots(tmp_path):
    directory = Path(os.environ.get("PORTAL_SCREENSHOTS") or tmp_path / "shots")
    directory.mkdir(parents=True, exist_ok=True)

    def shot(page, name):
        page.screenshot(path=str(directory / f"{name}.png"), full_page=True)

    return shot


def _fits_the_phone(page) -> None:
    """No horizontal scrolling, and every button and link button is a big tap target."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width}px wide on a {WIDTH}px phone"
    heights = page.eval_on_selector_all(
        ".pp-button", "els => els.filter(e => e.offsetParent).map(e => e.offsetHeight)"
    )
    assert heights and min(heights) >= 44, heights


def _open_on_phone(phone, shots, live_server, party_, staff, name="") -> None:
    """Staff send the link; the party opens it, asks for a code and enters it."""
    portal_services.portal_link_send(party=party_, actor=staff)
    text = last_sms(APPLICANT_PHONE)
    url = re.search(r"https?://\S+?" + LINK_RE.pattern, text).group(0)
    assert url.startswith(f"{live_server.url}/portal/")
    phone.goto(url)
    _fits_the_phone(phone)
    shots(phone, f"{name}01-link")
    with phone.expect_navigation():
        phone.click("#send-code")
    phone.fill("#id_code", code_in(last_sms(APPLICANT_PHONE)))
    shots(phone, f"{name}02-code")
    with phone.expect_navigation():
        phone.click("#open-case")
    assert phone.url == f"{live_server.url}/portal/"


def test_a_party_opens_the_link_on_a_phone_and_signs_the_agreement_by_drawing(
    live_server, phone, shots, district, settings, outbox
):
    settings.SITE_URL = live_server.url
    case = handled_case(district)
    # Drafted by the mediator and rendered for signing, as on the staff's pages.
    agreement = document_services.document_draft_agreement(
        case=case, actor=district.grid_worker, content=AGREEMENT
    )
    agreement.refresh_from_db()
    assert agreement.status == DocumentStatus.SIGNING, agreement.render_error
    applicant = party(case)
    _open_on_phone(phone, shots, live_server, applicant, district.street_staff)

    # The case: where it is, who handles it, and the agreement that awaits a signature.
    assert phone.is_visible(f"text={case.number}")
    assert phone.is_visible(f"text={district.grid.name}")
    _fits_the_phone(phone)
    shots(phone, "03-case")

    with phone.expect_navigation():
        phone.click(f"#sign-{agreement.pk} a")
    _fits_the_phone(phone)
    assert phone.is_visible(f"text={agreement.signing_sha256}")
    shots(phone, "04-sign")

    # Sign with a finger: a stroke across the pad.
    pad = phone.locator("#pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box["width"] <= WIDTH - 24 and box["height"] >= 150
    phone.mouse.move(box["x"] + 20, box["y"] + box["height"] - 40)
    phone.mouse.down()
    for step in range(1, 12):
        phone.mouse.move(
            box["x"] + 20 + step * (box["width"] - 40) / 11,
            box["y"] + 40 + (step % 3) * 40,
            steps=3,
        )
    phone.mouse.up()
    phone.check("#drawn-form input[name=read]")
    shots(phone, "05-drawn")
    with phone.expect_navigation():
        phone.click("#sign-drawn")

    # Recorded: on the exact file shown, with the drawing.
    signature = Signature.objects.get(document=agreement, party=applicant)
    assert signature.method == "drawn"
    assert signature.document_sha256 == agreement.signing_sha256
    assert signature.image.read().startswith(b"\x89PNG")
    assert phone.url == f"{live_server.url}/portal/"
    assert phone.is_visible(f"#signed-{agreement.pk}")
    assert not phone.is_visible(f"#sign-{agreement.pk}")
    _fits_the_phone(phone)
    shots(phone, "06-signed")


def test_a_party_rates_a_closed_case_with_stars_on_a_phone(
    live_server, phone, shots, district, settings, outbox
):
    settings.SITE_URL = live_server.url
    case = two_party_case(district)
    close_case(Client(), district, case)
    applicant = party(case)
    _open_on_phone(phone, shots, live_server, applicant, district.street_staff, "rate-")
    with phone.expect_navigation():
        phone.click("#rate a")
    _fits_the_phone(phone)
    star = phone.locator("label[for=star4]")
    box = star.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    star.tap()
    phone.fill("#id_comment", "调解员很耐心")
    shots(phone, "rate-03-stars")
    with phone.expect_navigation():
        phone.click("form button[type=submit]")
    rating = CaseRating.objects.get(case=case, party=applicant)
    assert (rating.stars, rating.comment) == (4, "调解员很耐心")
    assert not phone.is_visible("#rate")
    shots(phone, "rate-04-done")


def test_a_party_consents_and_chooses_a_mediator_on_a_phone(
    live_server, phone, shots, district, settings, outbox
):
    settings.SITE_URL = live_server.url
    court = make_court(district)
    client = Client()
    refer(client, court)
    referral = last_referral()
    perform(client, court.centre_staff, referral, "decide", {"decision": "take"})
    applicant = party(referral.case)
    _open_on_phone(phone, shots, live_server, applicant, court.centre_staff, "court-")
    _fits_the_phone(phone)
    phone.check("#consent input[value=consent]")
    shots(phone, "court-03-consent")
    with phone.expect_navigation():
        phone.click("#consent button[type=submit]")
    assert PartyConsent.objects.get(party=applicant).answer == ConsentAnswer.CONSENTED
    # The respondent consents by telephone, recorded by the centre.
    respondent = party(referral.case, PartyRole.RESPONDENT)
    perform(
        client,
        court.centre_staff,
        referral,
        "consent",
        {
            "answered_on": timezone.localdate().isoformat(),
            f"answer_{respondent.pk}": "consented",
            f"note_{respondent.pk}": "",
            f"answer_{applicant.pk}": "",
            f"note_{applicant.pk}": "",
        },
    )
    phone.reload()
    with phone.expect_navigation():
        phone.click("#choose a")
    _fits_the_phone(phone)
    chosen = court.mediators[1].mediator_profile
    phone.click(f"input[name=mediator][value='{chosen.pk}']")
    shots(phone, "court-04-choose")
    with phone.expect_navigation():
        phone.click("form button[type=submit]")
    assert steps.preferences(referral) == {applicant.pk: chosen.user_id}
    assert phone.is_visible("#my-choice")
    _fits_the_phone(phone)
    shots(phone, "court-05-chosen")
