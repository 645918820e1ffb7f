"""sessions (being written)."""
