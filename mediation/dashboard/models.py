"""The dashboard's rollup: each day's figures, counted once, so that a period of a
million cases is read from a few thousand rows (issue 7: every query within 200 ms).

``DayFigures`` holds, for each day of report dates, handling organisation and
registering centre, the sums of the figures (``figures.Figures``) over those cases (the
open ones apart, by due date), once in total (``dimension`` "") and once per value of
each breakdown (dispute type, tier, channel, five-diagnosis kind, referral source,
mediator, and grid for the repeat warnings). Nothing in it depends on who reads it: the
dashboard keeps the rows of the organisations whose cases the user sees.

The database keeps it honest. Triggers (``triggers.py``) on the cases and on every
table a figure reads log the report time of each case that changes in ``StaleDay``;
the ``dashboard.rollup_refresh`` job recounts those days (``rollup.refresh``); until it
has, the dashboard counts those days from the cases themselves.
"""

from django.conf import settings
from django.db import models


def _plain_id(to, null=False) -> models.ForeignKey:
    """A plain id without a constraint: the rollup never holds up an organisation's or
    a user's deletion, and its rows are recounted from the cases anyway."""
    return models.ForeignKey(
        to, on_delete=models.DO_NOTHING, db_constraint=False, null=null, related_name="+"
    )


class DayFigures(models.Model):
    day = models.DateField()
    handling_org = _plain_id("mediation.Organisation")
    centre = _plain_id("mediation.Organisation")
    dimension = models.CharField(max_length=16, blank=True)
    value = models.CharField(max_length=32, blank=True)
    # The due date of the open cases counted here; None for the others. Overdue (open
    # and due before today) is then read from the rows, whatever day today is.
    open_due = models.DateField(null=True)

    reported = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    agreements = models.PositiveIntegerField(default=0)
    time_to_close = models.DurationField(null=True)
    disputed = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    agreed_in_dispute = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    amount_agreed = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    parties = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    five_stars = models.PositiveIntegerField(default=0)
    stars = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["dimension", "day"], name="dayfigures_read")]

    def __str__(self):
        return f"{self.day} {self.handling_org_id}/{self.centre_id} {self.dimension}={self.value}"


class StaleDay(models.Model):
    """The report time of a case whose figures changed since its day was counted:
    written by the triggers only, read and deleted by ``rollup.refresh``. No unique key,
    so that concurrent writers never wait for each other here."""

    reported_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.reported_at:%Y-%m-%d %H:%M}"


class KeyDay(models.Model):
    """The cases of one day, handling organisation, grid and mediator that share a repeat
    warning's key (``keys.KINDS``: a party's identity, an address), for the days of the
    window that ends today (``keys.WINDOW_DAYS``). Recounted with the day's figures by the rollup's
    refresh, so a day's keys are stale exactly when its figures are."""

    day = models.DateField()
    kind = models.CharField(max_length=8)
    key = models.CharField(max_length=200)
    handling_org = _plain_id("mediation.Organisation")
    # The grid the cases were reported in and their mediator: a grid worker's and a
    # justice office's sums (``RecentKey.scope``).
    grid = _plain_id("mediation.Organisation", null=True)
    mediator = _plain_id(settings.AUTH_USER_MODEL, null=True)
    # Distinct cases: two parties of one identity in one case are one dispute.
    cases = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="keyday_day"),
            models.Index(fields=["kind", "key", "day"], name="keyday_key"),
        ]

    def __str__(self):
        return f"{self.day} {self.kind} {self.key} @{self.handling_org_id}: {self.cases}"


class RecentKey(models.Model):
    """A key's cases over the window of ``keys.WINDOW_DAYS`` days up to
    ``RollupLock.keys_as_of`` in one scope, with the first and last of their days: the
    sums of its ``KeyDay`` rows. A warning is then read in the order of an index, not
    grouped from the window's cases (``keys.Reader``).

    The scopes (``keys.SCOPES``): "o", the cases handled at or below the organisation
    ``node`` (0: every case); "g", the cases reported in the grid ``node`` and handled
    outside it; "m", the cases of the mediator ``node``."""

    kind = models.CharField(max_length=8)
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=1, default="o")
    node = models.PositiveIntegerField()
    cases = models.PositiveIntegerField()
    first = models.DateField()
    last = models.DateField()

    class Meta:
        indexes = [
            models.Index(
                fields=["scope", "node", "kind", "-cases", "-last", "key"], name="recentkey_top"
            ),
            models.Index(fields=["scope", "node", "kind", "key"], name="recentkey_key"),
            # A key's rows in every scope, replaced when its days are recounted.
            models.Index(fields=["kind", "key"], name="recentkey_of_key"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} @{self.scope}{self.node}: {self.cases}"


class RollupLock(models.Model):
    """One row, locked by the refresh that runs: two never recount the same day. It
    also holds the last day of the window that ``RecentKey`` sums."""

    keys_as_of = models.DateField(null=True)

    def __str__(self):
        return "rollup lock"
