"""How each flow's process reaches its case, found from the models, not listed by hand.

A process model links to the case directly (``CaseProcess.case``) or through the record
it runs (``JointProcess.consultation.case``, ``FollowUpProcess.visit.case``). A process
with no case (a patrol round) is simply absent. New flows need no change here.
"""

import functools

from django.apps import apps
from django.db.models import BooleanField, CharField, DateField, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from viewflow.workflow.models import Process

from mediation.models import Case


def _case_field(model) -> str | None:
    """The name of ``model``'s link to the case it is about, if any."""
    links = [
        field
        for field in model._meta.get_fields()
        if field.many_to_one or (field.one_to_one and field.concrete)
        if field.related_model is Case
    ]
    for field in links:
        if field.name == "case":
            return field.name
    return links[0].name if len(links) == 1 else None


@functools.cache
def process_case_paths() -> tuple[str, ...]:
    """Lookups from ``Process`` to ``Case``, one for each process model with a case."""
    paths = []
    for model in apps.get_models():
        if not issubclass(model, Process) or model is Process or model._meta.proxy:
            continue
        prefix = model._meta.model_name
        direct = _case_field(model)
        if direct:
            paths.append(f"{prefix}__{direct}")
            continue
        for field in model._meta.get_fields():
            if not field.concrete or not (field.many_to_one or field.one_to_one):
                continue
            if field.related_model is None or issubclass(field.related_model, Process):
                continue
            via = _case_field(field.related_model)
            if via:
                paths.append(f"{prefix}__{field.name}__{via}")
                break
    return tuple(paths)


def processes_of_case(case: Case) -> QuerySet:
    """Every process of every flow that works on ``case``, oldest first."""
    condition = Q()
    for path in process_case_paths():
        condition |= Q(**{path: case})
    if not condition:
        return Process.objects.none()
    return Process.objects.filter(condition).order_by("created", "pk")


def with_case(tasks: QuerySet) -> QuerySet:
    """Annotate tasks with their case: ``case_pk``, ``case_number``, ``case_title``,
    ``case_due_at``, ``case_priority`` (False for a task with no case)."""
    paths = [f"process__{path}" for path in process_case_paths()]

    def first(attr, output_field, default=None):
        values = [f"{path}__{attr}" for path in paths]
        if default is not None:
            values.append(Value(default))
        if len(values) == 1:
            return Coalesce(values[0], Value(None), output_field=output_field)
        return Coalesce(*values, output_field=output_field)

    return tasks.annotate(
        case_pk=first("pk", IntegerField()),
        case_number=first("number", CharField()),
        case_title=first("title", CharField()),
        case_due_at=first("due_at", DateField()),
        case_priority=first("is_priority", BooleanField(), default=False),
    )
