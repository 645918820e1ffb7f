"""The permission matrix's rows for the open API (mediation/api/); merged into test_matrix's table.

The matrix's clients are staff sessions, and the API takes tokens only: every endpoint
answers a session 401 (JSON), whatever the role and the case, and a POST changes
nothing. What a token sees is asked in ``test_api_matrix.py``: each organisation's
token against cases in each relationship, as its staff see them. The schema and the
docs are public; any other address under /api/ is a JSON 404.
"""

RULES: dict = {
    "api_token_only": lambda role, sight, found: {"401"},
    "api_unknown": lambda role, sight, found: {"hidden"},
}
_TOKEN_ONLY = (
    "api:cases",
    "api:case",
    "api:case_documents",
    "api:document_pdf",
    "api:court_referrals",
    "api:court_referral",
    "api:court_referral_decision",
    "api:court_referral_registration",
    "api:police_referrals",
    "api:police_referral",
    "api:petition_referrals",
    "api:petition_referral",
)
TABLE: dict[str, str] = {
    **dict.fromkeys(_TOKEN_ONLY, "api_token_only"),
    "api:schema": "public",
    "api:docs": "public",
    "api:not_found": "api_unknown",
}
POST_PAGES: set[str] = {
    "api:cases",
    "api:court_referrals",
    "api:court_referral_decision",
    "api:court_referral_registration",
    "api:police_referrals",
    "api:petition_referrals",
}
