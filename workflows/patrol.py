"""巡诊 patrol: rounds of each community on a schedule, and ad-hoc rounds.

PatrolScheduleFlow, one per community's standing schedule:
start → wait (database timer, until the start of ``next_due``) → still active?
→ open_round (opens the scheduled round, moves ``next_due``, starts its PatrolFlow) → wait …;
a schedule that was stopped ends at ``stopped``.

PatrolFlow, one per round, scheduled or ad hoc: start → record → end. The patroller
records notes and findings; a finding marked for it opens a case with the channel
"patrol", handled by the community.
"""

from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.status import STATUS

from mediation import deadlines, extensions, selectors_patrol, services_patrol
from mediation.models import Membership, Organisation, PatrolRound, PatrolSchedule

from . import patrol_views as views
from .models import PatrolProcess, PatrolScheduleProcess
from .record_tasks import RecordTask, narrowed_viewset_class


def round_of(task_or_process) -> PatrolRound:
    """The round of a patrol process, or of one of its tasks."""
    process_pk = getattr(task_or_process, "process_id", None) or task_or_process.pk
    return PatrolRound.objects.select_related("community").get(process__pk=process_pk)


def schedule_of(process) -> PatrolSchedule:
    return PatrolSchedule.objects.select_related("community").get(process__pk=process.pk)


def may_record(user, patrol_round: PatrolRound) -> bool:
    return selectors_patrol.user_may_patrol(user, patrol_round.community)


def rounds_visible_to(user):
    return PatrolProcess.objects.filter(round__in=selectors_patrol.patrol_rounds_visible_to(user))


def schedules_visible_to(user):
    communities = selectors_patrol.patrol_communities_visible_to(user)
    return PatrolScheduleProcess.objects.filter(schedule__community__in=communities)


def _staff_may_view(user, obj, visible) -> bool:
    if not user.is_authenticated:
        return False
    if obj is not None:
        return visible(user).filter(pk=obj.pk).exists()
    return user.is_superuser or Membership.objects.filter(user=user).exists()


class PatrolFlow(flow.Flow):
    process_class = PatrolProcess
    process_title = _("Patrol round")
    process_description = _("Go out to a community, record what was found, open cases.")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.record)
    record = (
        RecordTask(views.RecordRoundView.as_view())
        .Who(may_record)
        .Record(round_of, lambda task: reverse("patrol:rounds"))
        .Annotation(title=_("Record the patrol round"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Recorded"))

    def start_process(self, activation, round: PatrolRound):
        activation.process.round = round
        return activation.process

    def has_view_permission(self, user, obj=None):
        return _staff_may_view(user, obj, rounds_visible_to)


class PatrolScheduleFlow(flow.Flow):
    process_class = PatrolScheduleProcess
    process_title = _("Patrol schedule")
    process_description = _("Open each scheduled patrol round of a community when it falls due.")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.wait)
    wait = (
        flow.Timer(this.round_due)
        .Annotation(title=_("Wait for the next round"))
        .Next(this.check_active)
    )
    check_active = (
        flow.If(lambda activation: schedule_of(activation.process).active)
        .Annotation(title=_("Is the schedule active?"))
        .Then(this.open_round)
        .Else(this.stopped)
    )
    open_round = (
        flow.Function(this.open_scheduled_round)
        .Annotation(title=_("Open the scheduled round"))
        .Next(this.wait)
    )
    stopped = flow.End().Annotation(title=_("Schedule stopped"))

    def start_process(self, activation, schedule: PatrolSchedule):
        activation.process.schedule = schedule
        return activation.process

    def round_due(self, activation):
        return deadlines.start_of_day(schedule_of(activation.process).next_due)

    def open_scheduled_round(self, activation):
        patrol_round = services_patrol.patrol_round_open(schedule=schedule_of(activation.process))
        if patrol_round is not None:
            PatrolFlow.start.run(round=patrol_round)

    def has_view_permission(self, user, obj=None):
        return _staff_may_view(user, obj, schedules_visible_to)


def start_ad_hoc_round(*, community: Organisation, actor) -> PatrolRound:
    """Open a round now, outside the schedule, and wait for its record."""
    with transaction.atomic():
        patrol_round = services_patrol.patrol_round_open_ad_hoc(community=community, actor=actor)
        PatrolFlow.start.run(round=patrol_round)
    return patrol_round


def set_patrol_schedule(
    *, community: Organisation, every_days: int, actor, next_due=None, active: bool = True
) -> PatrolSchedule:
    """Create or change a community's schedule, and keep its timer in step with it."""
    with transaction.atomic():
        schedule = services_patrol.patrol_schedule_set(
            community=community,
            every_days=every_days,
            actor=actor,
            next_due=next_due,
            active=active,
        )
        process = PatrolScheduleProcess.objects.filter(schedule=schedule).first()
        if process is not None and process.finished is not None and schedule.active:
            # A stopped schedule's process holds nothing but its spent timers, and a
            # schedule has one process: the restarted schedule takes its place.
            process.delete()
            process = None
        if process is None:
            if schedule.active:
                PatrolScheduleFlow.start.run(schedule=schedule)
            return schedule
        PatrolScheduleFlow.task_class.objects.filter(
            process=process, flow_task=PatrolScheduleFlow.wait, status=STATUS.SCHEDULED
        ).update(scheduled=deadlines.start_of_day(schedule.next_due))
    return schedule


class PatrolViewset(narrowed_viewset_class(rounds_visible_to)):
    rounds_path = path("rounds/", views.RoundListView.as_view(), name="rounds")
    ad_hoc_path = path("rounds/new/", views.AdHocRoundView.as_view(), name="ad_hoc")
    schedules_path = path("schedules/", views.ScheduleView.as_view(), name="schedules")


patrol_viewset = PatrolViewset(PatrolFlow, icon="directions_walk")
patrol_schedule_viewset = narrowed_viewset_class(schedules_visible_to)(
    PatrolScheduleFlow, icon="event"
)


def ready() -> None:
    """Register the patrol pages: the rounds, the ad-hoc round and the schedules."""
    extensions.register_app(patrol_viewset)
    extensions.register_app(patrol_schedule_viewset)
