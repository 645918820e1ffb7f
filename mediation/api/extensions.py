"""Where workflows and documents plug their endpoints into the open API.

mediation never imports them; from their ``AppConfig.ready()`` they register URL
patterns here (``register_routes``), and ``mediation.api.urls`` mounts them under the
API's version prefix with the rest, in one schema. Their views build on
``mediation.api.base`` so that authentication, errors, language, paging and
idempotency are the same everywhere.
"""

_routes: list = []


def register_routes(patterns) -> None:
    """``patterns``: URL patterns, relative to the version prefix (``v1/``)."""
    for pattern in patterns:
        if pattern not in _routes:
            _routes.append(pattern)


def routes() -> list:
    return list(_routes)
