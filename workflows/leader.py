"""专诊 leader case (being written)."""


def ready() -> None:
    """Register the flow's pages, signals and diagnosis check."""
