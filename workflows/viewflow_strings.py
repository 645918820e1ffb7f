"""Words viewflow (and django-filter) show on the flow pages that their Simplified
Chinese catalogues leave untranslated.

Listed here so that ``makemessages`` carries them into our own catalogue
(mediation/locale), which Django consults before the packages' own. Nothing imports
this module; it only holds the message ids, exactly as the packages spell them.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

VIEWFLOW_STRINGS = [
    # menus of a flow application and of the workflow application
    gettext_noop("Dashboard"),
    gettext_noop("Inbox"),
    gettext_noop("Queue"),
    gettext_noop("Archive"),
    gettext_noop("Processes"),
    gettext_noop("Applications"),
    gettext_noop("Back"),
    gettext_noop("Profile"),
    gettext_noop("Log out"),
    gettext_noop("Login"),
    gettext_noop("Workflow"),
    # task and process lists: titles, columns, filters, bulk actions
    gettext_noop("#"),
    gettext_noop("Task"),
    gettext_noop("Tasks"),
    gettext_noop("Brief"),
    gettext_noop("Process"),
    gettext_noop("Process brief"),
    gettext_noop("Process list"),
    gettext_noop("Created"),
    gettext_noop("Finished"),
    gettext_noop("Started"),
    gettext_noop("Status"),
    gettext_noop("Owner"),
    gettext_noop("Description"),
    gettext_noop("Flow"),
    gettext_noop("Type"),
    gettext_noop("Previous"),
    gettext_noop("Token"),
    gettext_noop("External Task ID"),
    gettext_noop("Permission"),
    gettext_noop("Filter"),
    gettext_noop("Pick an action"),
    gettext_noop("Assign selected tasks"),
    gettext_noop("Unassign selected tasks"),
    gettext_noop("confirm"),
    gettext_noop("New process"),
    gettext_noop("Start"),
    gettext_noop("Start and continue"),
    # the dashboard (kanban board) and the chart export
    gettext_noop("No rights to execute"),
    gettext_noop("Assigned"),
    gettext_noop("Execute"),
    gettext_noop("Assign"),
    gettext_noop("View"),
    gettext_noop("Show all"),
    gettext_noop("Export BPMN"),
    gettext_noop("BPMN"),
    # task pages and their actions
    gettext_noop("Execute and continue"),
    gettext_noop("Assign and continue"),
    gettext_noop("Previous tasks"),
    gettext_noop("No previous tasks"),
    gettext_noop("Next tasks"),
    gettext_noop("No next tasks"),
    gettext_noop("Subprocess"),
    gettext_noop("Revive"),
    gettext_noop("Unassign"),
    gettext_noop("Undo"),
    gettext_noop("Cancel"),
    gettext_noop("Change"),
    gettext_noop("You have no rights to view this task"),
    gettext_noop("Task {task} has been assigned."),
    gettext_noop("Task {task} has been unassigned."),
    gettext_noop("Task {task} has been canceled."),
    gettext_noop("Task {task} has been undone."),
    gettext_noop("Task {task} has been revived."),
    gettext_noop("Task {task} has been completed."),
    gettext_noop("Process {process} has been started."),
    gettext_noop("Process #{self.object.pk} can not be canceled."),
    gettext_noop("Process #{self.object.pk} has been canceled."),
    # task and process states (viewflow.workflow.status)
    gettext_noop("New"),
    gettext_noop("Scheduled"),
    gettext_noop("Done"),
    gettext_noop("Canceled"),
    gettext_noop("Error"),
    gettext_noop("Revived"),
    # the forbidden page a wrong role meets
    gettext_noop("Access Forbidden"),
    gettext_noop("You are not logged in"),
    gettext_noop("%(user)s have no rights to access this page"),
    gettext_noop("Log in"),
    gettext_noop("Log in as another user"),
    # django-filter's date ranges in the list filters
    gettext_noop("Today"),
    gettext_noop("Yesterday"),
    gettext_noop("Past 7 days"),
    gettext_noop("This month"),
    gettext_noop("This year"),
]

# The task and process states, which viewflow translates with the context "STATUS".
VIEWFLOW_STATUSES = [
    pgettext_lazy("STATUS", "Assigned"),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Error"),
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Revived"),
    pgettext_lazy("STATUS", "Scheduled"),
    pgettext_lazy("STATUS", "Started"),
]
