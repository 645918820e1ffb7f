"""Hooks that other packages connect to; mediation sends them and imports no receiver."""

from django.dispatch import Signal

# Sent by services.case_report inside its transaction, with ``case`` and ``actor``.
case_reported = Signal()

# Sent by services.case_verify_close after its transaction commits, with ``case`` and ``actor``.
case_closed = Signal()
