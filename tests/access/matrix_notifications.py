"""The permission matrix's rows for notifications; merged into test_matrix's table."""

RULES: dict = {}
TABLE: dict[str, str] = {}
POST_PAGES: set[str] = set()
