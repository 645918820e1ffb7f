"""The schema, the offline docs, and schemathesis against the whole schema: no server
error and every answer as the schema says, for the callers of each kind."""

import json

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mediation.models import OrgKind
from tests.factories import org, report_case

from .conftest import intake_data, issue

SCHEMA = "/api/schema/"


@pytest.mark.django_db
def test_the_schema_is_openapi_3_and_lists_every_endpoint():
    response = Client().get(SCHEMA, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{case}/documents/",
        "/api/v1/cases/{case}/documents/{id}/pdf/",
        "/api/v1/court-referrals/",
        "/api/v1/court-referrals/{id}/",
        "/api/v1/court-referrals/{id}/decision/",
        "/api/v1/court-referrals/{id}/registration/",
        "/api/v1/police-referrals/",
        "/api/v1/police-referrals/{id}/",
        "/api/v1/petition-referrals/",
        "/api/v1/petition-referrals/{id}/",
    } <= paths
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}


@pytest.mark.django_db
def test_the_docs_load_from_this_site_alone():
    """Swagger UI's page names no other host; every file it loads is served here."""
    page = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "//unpkg" not in page and "https://" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in page
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset


# schemathesis, through the site's WSGI application, within the test's transaction.


@pytest.fixture
def callers(district):
    """A token of each kind that creates something, and records for them to read."""
    station = org("jk-pcs-th", OrgKind.POLICE_STATION, district.district, name="太湖派出所")
    bureau = org("jk-xfj", OrgKind.PETITION_BUREAU, district.district, name="信访局")
    tokens = {
        "court": issue(district.court, "法院系统"),
        "station": issue(station, "派出所系统"),
        "bureau": issue(bureau, "信访系统"),
        "street": issue(district.street, "街道系统"),
    }
    report_case(handling_org=district.street, actor=district.street_staff)
    tokens["street"].post("/api/v1/cases/", intake_data(district))
    return tokens


@pytest.fixture(autouse=True)
def _connections_reconnected():
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _served_schema():
    """The schema ``/api/schema/`` serves, made at collection (no database read)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = per_request_application
    return loaded


def per_request_application(environ, start_response):
    """The site's WSGI application, made for each request: its middleware reads the
    test's settings (plain HTTP in the suite) when it is made. The handler would close
    the test's database connection at the end of the request, inside the test's
    transaction; the test client does not, and neither does this (until the test ends:
    ``_connections_reconnected``)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    return get_wsgi_application()(environ, start_response)


schema = _served_schema()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Each operation is called with the token of the body that uses it: the station's and
# the bureau's for their referrals, the court's for the rest (cases, intake, its own
# referrals, documents), so that the creates get past their refusal and are fuzzed.
OWNERS = {"/api/v1/police-referrals/": "station", "/api/v1/petition-referrals/": "bureau"}


@schema.parametrize()
@hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_every_operation_conforms_to_the_schema_and_never_errs(case, callers):
    path = case.operation.path
    caller = next((who for prefix, who in OWNERS.items() if path.startswith(prefix)), "court")
    headers = {"Authorization": f"Bearer {callers[caller].secret}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
