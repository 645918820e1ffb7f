"""The flows' database timers, fired by the platform's one dispatcher.

``manage.py run_worker`` (which ``make run`` starts) runs every registered job of
``mediation.jobs``: in its own loop when embedded, through Celery beat with a broker.
"""

import datetime

from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers

# How late a timer may fire; every deadline the flows keep is counted in days.
SWEEP_EVERY = datetime.timedelta(seconds=30)


def fire_flow_timers() -> None:
    fire_due_timers()
    fire_due_start_timers()
    fire_due_conditions()
