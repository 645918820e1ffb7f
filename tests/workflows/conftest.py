"""Fixtures shared by the court referral's tests."""

import pytest

from .helpers_court import START, make_court, on_duty


@pytest.fixture
def court(district):
    """The district's court, its clerk and judge, and three invited mediators."""
    return make_court(district)


@pytest.fixture
def duty(court):
    """The invited mediators on duty for sixty days from the tests' start."""
    on_duty(court, START.date(), 60)
    return court
