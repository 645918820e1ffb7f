from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        # mediation never imports workflows; workflows plugs itself in here.
        from mediation import extensions
        from mediation.signals import case_reported

        from .flows import case_open_tasks, start_case_loop
        from .viewsets import case_loop_viewset

        case_reported.connect(start_case_loop, dispatch_uid="workflows.start_case_loop")
        extensions.register_app(case_loop_viewset)
        extensions.register_task_source(case_open_tasks)
