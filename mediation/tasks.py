from celery import shared_task

from . import jobs


@shared_task(name="mediation.run_job")
def run_job(name: str) -> None:
    jobs.run(name)


@shared_task(name="mediation.ping")
def ping() -> str:
    """Answers through the broker; proves the worker is alive."""
    return "pong"
