"""The open API, mounted at ``/api/`` outside the staff site (``apps.py``).

``v1/``: the endpoints, the cases' here and the flows' and documents' as their packages
register them (``extensions``); ``schema/``: the OpenAPI 3 schema; ``docs/``: Swagger UI,
served from this site's own static files (no CDN). Any other address: a JSON 404.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import extensions, views
from .errors import not_found

app_name = "api"

v1 = [
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case"),
    *extensions.routes(),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", not_found, name="not_found"),
]
