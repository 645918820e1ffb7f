"""会诊 joint consultation (being written)."""


def ready() -> None:
    """Register the flow's pages, signals and diagnosis check."""
