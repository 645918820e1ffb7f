import datetime

import pytest

from mediation import deadlines

D = datetime.date


def test_calendar_period_ending_on_a_holiday_moves_to_the_next_working_day():
    # 7 days after 24 Sept 2026 is 1 Oct, National Day; the holiday runs to 7 Oct.
    assert deadlines.add_calendar_days(D(2026, 9, 24), 7) == D(2026, 10, 8)


def test_calendar_period_ending_on_a_weekend_moves_to_monday():
    # 5 days after Monday 2 Nov 2026 is Saturday 7 Nov.
    assert deadlines.add_calendar_days(D(2026, 11, 2), 5) == D(2026, 11, 9)


def test_calendar_period_ending_on_a_working_day_stays():
    assert deadlines.add_calendar_days(D(2026, 11, 2), 3) == D(2026, 11, 5)


def test_working_days_count_the_adjusted_working_saturday():
    # Saturday 10 Oct 2026 is a 调休 working day after the National Day holiday.
    assert deadlines.is_working_day(D(2026, 10, 10))
    # From Friday 9 Oct: Sat 10 Oct counts, Sun 11 does not, Mon 12 does.
    assert deadlines.add_working_days(D(2026, 10, 9), 2) == D(2026, 10, 12)


def test_working_days_skip_the_national_day_holiday():
    # From 30 Sept 2026, three working days: 8, 9 and 10 Oct.
    assert deadlines.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_year_without_official_data_falls_back_to_weekends_and_fixed_holidays():
    assert not deadlines.is_working_day(D(2027, 1, 1))
    assert not deadlines.is_working_day(D(2027, 1, 2))  # Saturday
    assert deadlines.is_working_day(D(2027, 1, 4))


def test_configured_holidays_and_workdays_override_the_calendar(settings):
    deadlines._overrides.cache_clear()
    settings.MEDIATION = {
        **settings.MEDIATION,
        "EXTRA_HOLIDAYS": ["2027-02-08"],
        "EXTRA_WORKDAYS": ["2027-02-07"],
    }
    try:
        assert not deadlines.is_working_day(D(2027, 2, 8))
        assert deadlines.is_working_day(D(2027, 2, 7))  # a Sunday made a working day
    finally:
        deadlines._overrides.cache_clear()


def test_tier_deadline_uses_the_configured_days(settings):
    settings.MEDIATION = {**settings.MEDIATION, "TIER_DEADLINE_DAYS": {"micro": 2}}
    assert deadlines.tier_due_date(D(2026, 11, 2), "micro") == D(2026, 11, 4)


def test_negative_period_is_refused():
    with pytest.raises(ValueError):
        deadlines.add_working_days(D(2026, 11, 2), -1)
