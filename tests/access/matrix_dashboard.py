"""The permission matrix's rows for the statistics dashboard (mediation/dashboard/);
merged into test_matrix's table.

The pages are about no one case: signed-in roles with a post that may see statistics
get them (their figures over the cases they see; the matrix checks that no title of a
case the role may not see is on them), the others a 403, anonymous users the login.
"""

RULES: dict = {}
TABLE: dict[str, str] = {
    "dashboard:index": "signed_in",
    "dashboard:warning": "signed_in",
    "dashboard:export": "signed_in",
}
POST_PAGES: set[str] = set()
