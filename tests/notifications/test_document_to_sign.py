"""The parties are asked to sign an agreement once its copy for signing is made."""

import pytest
from django.core import mail

from mediation.models import Delivery, NotificationEvent
from tests.documents.lifecycle import dispatch_to_grid, draft
from tests.documents.lifecycle_fixtures import *  # noqa: F403

from .conftest import PHONE

pytestmark = pytest.mark.django_db


def test_an_agreement_ready_to_sign_asks_every_reachable_party(
    district, case, capture, texts, document_files
):
    case = dispatch_to_grid(district, case)
    document = draft(case, district.grid_worker, capture)
    assert document.status == "signing"
    asked = Delivery.objects.filter(event=NotificationEvent.DOCUMENT_TO_SIGN)
    assert sorted(asked.values_list("person__name", flat=True)) == ["张三", "李四"]
    [text] = [m for m in texts if m.phone == PHONE]
    assert "ready for you to sign" in text.text and case.number in text.text
    assert [m.to for m in mail.outbox] == [["lisi@example.com"]]
