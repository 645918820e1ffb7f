from celery import shared_task

from . import jobs


@shared_task(name="mediation.run_job")
def run_job(name: str) -> None:
    jobs.run(name)


@shared_task(name="mediation.ping")
def ping() -> str:
    """Answers through the broker; proves the worker is alive."""
    return "pong"


@shared_task(name="mediation.send_deliveries", acks_late=True)
def send_deliveries(ids: list[int]) -> tuple[int, int]:
    """Send the deliveries ``ids`` that nobody has sent or claimed yet (a message handed
    over twice sends them once: the second finds them claimed or sent)."""
    from .services_delivery import deliveries_retry

    return deliveries_retry(ids=ids)
