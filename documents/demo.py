"""The demo's documents (filled in below)."""


def seed_documents(*, stdout=None) -> None:
    return None
