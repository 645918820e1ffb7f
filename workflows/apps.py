from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        # mediation never imports workflows; workflows plugs itself in here.
        from mediation import extensions, jobs
        from mediation.signals import case_reported

        from . import charts, task_lists, task_notices
        from .flows import start_case_loop
        from .open_tasks import case_open_tasks
        from .timers import SWEEP_EVERY, fire_flow_timers
        from .viewsets import case_loop_viewset, tasks_application

        case_reported.connect(start_case_loop, dispatch_uid="workflows.start_case_loop")
        task_notices.connect()  # staff are told of the loop's new tasks
        extensions.register_app(case_loop_viewset)
        # One inbox and queue for every flow, the case page's charts, the menu's entries.
        extensions.register_app(tasks_application)
        extensions.register_chart_source(charts.case_charts)
        extensions.register_menu_source(task_lists.task_menu_entries)
        extensions.register_task_source(case_open_tasks)
        jobs.periodic(every=SWEEP_EVERY, name="workflows.fire_flow_timers")(fire_flow_timers)

        # The five diagnoses' sub-flows plug themselves in the same way.
        from . import followup, joint, leader, patrol

        for diagnosis in (joint, leader, followup, patrol):
            diagnosis.ready()

        # Court referrals (诉调对接).
        from . import court

        court.ready()

        # Police (公调对接) and petition (访调对接) referrals.
        from . import petition, police

        for handoff in (police, petition):
            handoff.ready()

        from .demo import seed_flows

        extensions.register_demo_seeder(seed_flows)
