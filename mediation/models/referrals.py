"""referrals (being written)."""
