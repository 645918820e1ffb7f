"""复诊 follow-up (being written)."""


def ready() -> None:
    """Register the flow's pages, signals and diagnosis check."""
