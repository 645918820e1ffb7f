"""The demo's notifications: the flows' steps have told staff of their new tasks as
they were seeded; this adds the deadlines that fall soon or were missed lately and
the parties asked to rate, as the worker's hourly job would."""

from . import jobs_notifications


def seed_notifications(*, stdout=None) -> None:
    announced = jobs_notifications.deadline_notices_send()
    asked = jobs_notifications.rating_requests_send()
    if stdout is not None:
        stdout.write(
            f"Notifications: {announced} deadlines announced, {asked} parties asked to rate.\n"
        )
