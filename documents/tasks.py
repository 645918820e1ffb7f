"""The render task: queued after the commit that made a document wait for it.

Safe to deliver twice: the render claims its row (``services_render``) and does
nothing once the document no longer waits for that stage. With a broker, a failure is
retried with a growing delay, three times; the last failure marks the document
FAILED. In-process (no broker), the first failure marks it FAILED and never raises
into the request: the case page offers to try again.
"""

from celery import shared_task

from . import services_render

MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="documents.render",
    acks_late=True,
    autoretry_for=(services_render.RenderFailed,),
    max_retries=MAX_RETRIES,
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
)
def render_document(self, document_id: int, stage: str) -> bool:
    last_attempt = bool(self.request.is_eager) or self.request.retries >= self.max_retries
    return services_render.document_render(
        document_id=document_id, stage=stage, last_attempt=last_attempt
    )
