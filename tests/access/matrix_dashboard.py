"""The permission matrix's rows for the statistics dashboard (mediation/dashboard/);
merged into test_matrix's table.

The pages are about no one case: the roles whose posts may see statistics
(``mediation.dashboard.access.STATISTICS_ROLES``: centre directors and the staff of
centres, committees, grids and justice offices) get them (their figures over the cases
they see; the matrix checks that no title of a case the role may not see is on them),
every other signed-in role a 403, anonymous users the login.
"""

# The matrix's roles whose posts are among the statistics roles.
STATISTICS = {
    "director",
    "centre_staff",
    "street_staff",
    "committee_staff",
    "grid_worker",
    "justice_staff",
}

RULES: dict = {
    "statistics": lambda role, sight, found: (
        {"login"} if role == "anonymous" else {"ok"} if role in STATISTICS else {"forbidden"}
    ),
}
TABLE: dict[str, str] = {
    "dashboard:index": "statistics",
    "dashboard:warning": "statistics",
    "dashboard:export": "statistics",
}
POST_PAGES: set[str] = set()
