"""Every due date in the platform is computed here, the way the law counts time.

Two ways of counting:

* calendar days (民事诉讼法 art 85): the period starts on the day after the event;
  when its last day is a public holiday or a weekend, it ends on the next working day;
* working days (工作日, 特邀调解规定): weekends and official holidays do not count,
  and the adjusted working weekends (调休) do.

Official holidays come from the ``chinese-calendar`` package. For a year it does not
yet know, weekends and the fixed-date holidays count as days off, and a centre can
add the State Council's schedule in ``MEDIATION["EXTRA_HOLIDAYS"]`` and
``MEDIATION["EXTRA_WORKDAYS"]`` (ISO dates) until the package catches up.
"""

import datetime
import logging
from functools import cache, lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

# Holidays whose dates never move; the lunar ones (Spring Festival, Qingming, Dragon
# Boat, Mid-Autumn) cannot be guessed and must come from the package or settings.
_FIXED_HOLIDAYS = {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}


@lru_cache(maxsize=1)
def _overrides() -> tuple[frozenset, frozenset]:
    conf = getattr(settings, "MEDIATION", {})
    holidays = frozenset(datetime.date.fromisoformat(d) for d in conf.get("EXTRA_HOLIDAYS", ()))
    workdays = frozenset(datetime.date.fromisoformat(d) for d in conf.get("EXTRA_WORKDAYS", ()))
    return holidays, workdays


@cache
def _warn_no_holiday_data(year: int) -> None:
    logger.warning("No official holiday data for %s; counting weekends only.", year)


def is_working_day(day: datetime.date) -> bool:
    extra_holidays, extra_workdays = _overrides()
    if day in extra_workdays:
        return True
    if day in extra_holidays:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_no_holiday_data(day.year)
        return day.weekday() < 5 and (day.month, day.day) not in _FIXED_HOLIDAYS


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_calendar_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of ``days`` calendar days that starts after ``start``."""
    if days < 0:
        raise ValueError("a period cannot be negative")
    return next_working_day(start + datetime.timedelta(days=days))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start``."""
    if days < 0:
        raise ValueError("a period cannot be negative")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def tier_due_date(start: datetime.date, tier: str) -> datetime.date:
    """The handling deadline of a case at ``tier``, configured per district."""
    days = settings.MEDIATION["TIER_DEADLINE_DAYS"][tier]
    return add_calendar_days(start, days)


# Parties may rate a closed case for this many days (考核评价); then the step closes.
RATING_WINDOW_DAYS = 7


def rating_window_end(closed_at: datetime.datetime) -> datetime.datetime:
    """The moment the rating of a case closed at ``closed_at`` stops waiting."""
    return closed_at + datetime.timedelta(days=RATING_WINDOW_DAYS)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` ends in the platform's time zone: a deadline on ``day`` passes then."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


# A hard case past its deadline has nowhere higher to go; the alert repeats this often.
OVERDUE_REMINDER = datetime.timedelta(days=7)


def return_visit_date(closed_on: datetime.date) -> datetime.date:
    """When the return visit to a closed case is due (复诊), configured per district."""
    return add_calendar_days(closed_on, settings.MEDIATION["RETURN_VISIT_DAYS"])


def progress_report_due(start: datetime.date) -> datetime.date:
    """The next progress report of a leader case (专诊): a fixed cycle from ``start``."""
    return start + datetime.timedelta(days=settings.MEDIATION["PROGRESS_REPORT_DAYS"])


def summons_due_date(start: datetime.date, working_days: int) -> datetime.date:
    """The day a summoned department must report in by (报到)."""
    return add_working_days(start, working_days)


def patrol_next_due(last: datetime.date, every_days: int) -> datetime.date:
    """The day a community's next scheduled patrol round falls due (巡诊)."""
    return last + datetime.timedelta(days=every_days)


# 公调对接: a centre accepts a police referral within this time.
POLICE_ACCEPT_WINDOW = datetime.timedelta(hours=24)


def police_accept_by(referred_at: datetime.datetime) -> datetime.datetime:
    """The moment a police referral must be accepted by."""
    return referred_at + POLICE_ACCEPT_WINDOW


# 信访工作条例: registered and transferred within 15 days (art 22), an objection within
# 5 working days (art 23), handled within 60 days, extendable once by at most 30 (art 34).
PETITION_TRANSFER_DAYS = 15
PETITION_OBJECTION_WORKING_DAYS = 5
PETITION_HANDLING_DAYS = 60
PETITION_MAX_EXTENSION_DAYS = 30


def petition_transfer_by(registered_on: datetime.date) -> datetime.date:
    """The last day a registered petition may be transferred (art 22)."""
    return add_calendar_days(registered_on, PETITION_TRANSFER_DAYS)


def petition_objection_by(transferred_on: datetime.date) -> datetime.date:
    """The last day the receiving body may object to a wrong transfer (art 23)."""
    return add_working_days(transferred_on, PETITION_OBJECTION_WORKING_DAYS)


def petition_handle_by(transferred_on: datetime.date, extended_days: int = 0) -> datetime.date:
    """The last day a transferred petition is to be handled by, with any extension (art 34)."""
    return add_calendar_days(transferred_on, PETITION_HANDLING_DAYS + extended_days)


# 诉调对接 (特邀调解规定, 在线调解规则): the mediation period of a court referral in calendar
# days, from the mediator's acceptance; the working days the parties and mediators have.
REFERRAL_PERIOD_DAYS = {
    ("delegation", ""): 30,
    ("entrustment", "ordinary"): 15,
    ("entrustment", "simple"): 7,
}
REFERRAL_CHOOSE_WORKING_DAYS = 2
REFERRAL_CONTACT_WORKING_DAYS = 3
REFERRAL_ANSWER_WORKING_DAYS = 3
REFERRAL_DESIGNATE_WORKING_DAYS = 3
JUDICIAL_CONFIRMATION_DAYS = 30


def referral_due_on(started_on: datetime.date, kind: str, procedure: str, extra_days: int = 0):
    """The last day of a referral's mediation: its period, plus extensions and appraisal days."""
    days = REFERRAL_PERIOD_DAYS[(kind, procedure if kind == "entrustment" else "")]
    return add_calendar_days(started_on, days + extra_days)


def referral_working_days_by(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of ``days`` working days after ``start``."""
    return add_working_days(start, days)


def confirmation_apply_by(agreed_on: datetime.date) -> datetime.date:
    """The last day to apply jointly for judicial confirmation (人民调解法 art 33)."""
    return add_calendar_days(agreed_on, JUDICIAL_CONFIRMATION_DAYS)


# Notifications: a deadline is announced this many working days before it falls; a
# missed one is announced if it passed at most this many days ago (a job that was down
# over a long weekend catches up; a case missed long ago is on the overdue list).
WARNING_WORKING_DAYS = 2
OVERDUE_LOOKBACK_DAYS = 7


def warning_horizon(today: datetime.date) -> datetime.date:
    """The last due date to warn about today: ``WARNING_WORKING_DAYS`` working days on."""
    return add_working_days(today, WARNING_WORKING_DAYS)


def overdue_lookback(today: datetime.date) -> datetime.date:
    """The earliest due date still announced as missed today."""
    return today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` begins in the platform's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def rating_window_opened_after(moment: datetime.datetime) -> datetime.datetime:
    """A case closed after this moment may still be rated at ``moment``."""
    return moment - datetime.timedelta(days=RATING_WINDOW_DAYS)
