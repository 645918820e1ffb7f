"""``Idempotency-Key``: a retried create returns the first answer, never a duplicate."""

import threading

import pytest
from django.db import connection

from mediation.api.models import IdempotentRequest
from mediation.models import Case

from .conftest import Api, intake_data, issue

CASES = "/api/v1/cases/"


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_answer_and_makes_nothing(district, hotline):
    data = intake_data(district)
    first = hotline.post(CASES, data, key="ticket-20261121-0001")
    assert first.status_code == 201
    again = hotline.post(CASES, data, key="ticket-20261121-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused(district, hotline):
    hotline.post(CASES, intake_data(district), key="k-1")
    response = hotline.post(CASES, intake_data(district, title="另一件事"), key="k-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_token(district, hotline):
    other = issue(district.street, "街道系统")
    hotline.post(CASES, intake_data(district), key="same")
    assert other.post(CASES, intake_data(district), key="same").status_code == 201
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_create_keeps_no_answer_so_the_corrected_call_may_reuse_the_key(
    district, hotline
):
    bad = intake_data(district, amount="-5")
    assert hotline.post(CASES, bad, key="k-2").status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert hotline.post(CASES, intake_data(district), key="k-2").status_code == 201


@pytest.mark.django_db
def test_without_a_key_each_call_creates(district, hotline):
    hotline.post(CASES, intake_data(district))
    hotline.post(CASES, intake_data(district))
    assert Case.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", " ", "x" * 201])
def test_a_malformed_key_is_400(district, hotline, key):
    response = hotline.post(CASES, intake_data(district), key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_case(district, hotline):
    """Two calls with one key at the same moment: one case, and both get its answer."""
    data = intake_data(district)
    barrier = threading.Barrier(4)
    responses = []

    def call():
        try:
            barrier.wait()
            responses.append(Api(hotline.secret).post(CASES, data, key="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [201] * 4, [r.content for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Case.objects.count() == 1
