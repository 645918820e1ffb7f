"""Celery application.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly in-process, so
the embedded default needs neither Redis nor a worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.settings")

app = Celery("mediation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule_registered_jobs(sender, **kwargs):
    """Beat fires every job of ``mediation.jobs`` as the ``mediation.run_job`` task."""
    from mediation import jobs

    for job in jobs.registered().values():
        sender.add_periodic_task(
            job.every.total_seconds(),
            sender.signature("mediation.run_job", args=(job.name,)),
            name=job.name,
        )
