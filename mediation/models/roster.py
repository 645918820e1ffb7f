"""roster (being written)."""
