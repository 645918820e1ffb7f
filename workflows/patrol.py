"""巡诊 patrol (being written)."""


def ready() -> None:
    """Register the flow's pages, signals and diagnosis check."""
