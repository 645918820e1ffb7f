"""handoffs (being written)."""
