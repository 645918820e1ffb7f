"""A form page whose valid form is handed to a service."""

from django.core.exceptions import ValidationError

from ..forms import add_service_errors


class ServiceFormMixin:
    """``form_valid`` calls ``perform(form)``, the service call. A refusal
    (``ValidationError``) is shown on the form, and the service has changed nothing;
    otherwise ``succeeded(form)`` answers: a redirect, with a message if it likes."""

    def perform(self, form) -> None:
        raise NotImplementedError

    def succeeded(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.succeeded(form)
