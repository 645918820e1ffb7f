import dataclasses

import pytest
from django.utils import translation

from mediation.models import OrgKind, Role
from tests.factories import org, staff


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks (a document's render) run in the test's own process, as in the embedded
    default, also when CI gives the suite a broker: no worker reads it during a test.
    A test marked ``broker`` talks to a real worker through the broker instead."""
    from mediation.celery import app

    if request.node.get_closest_marker("broker"):
        yield
        return
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def messages_in_english(settings):
    """The pages' and the services' messages in their source language, English; their
    Chinese is the catalogue's concern (tests/test_translations.py). A folder whose tests
    read the messages asks for it from an autouse fixture of its own conftest."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """pytest-django's ``django_capture_on_commit_callbacks``, by a shorter name."""
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # The suite talks plain HTTP to the test client; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # A deliberately slow hash protects real passwords; the suite needs no protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclasses.dataclass
class District:
    district: object
    street: object
    other_street: object
    community: object
    grid: object
    court: object
    centre_staff: object
    street_staff: object
    other_street_staff: object
    grid_worker: object


@pytest.fixture
def district(db) -> District:
    """A small district: one district centre, two streets, a community and a grid."""
    d = org("jk", OrgKind.DISTRICT_CENTRE, name="经开区矛盾纠纷调处化解中心", short_name="经开")
    s = org("jk-th", OrgKind.STREET_CENTRE, d, name="太湖街道调处中心", short_name="经开太湖")
    s2 = org("jk-hb", OrgKind.STREET_CENTRE, d, name="湖滨街道调处中心", short_name="经开湖滨")
    c = org("jk-th-xy", OrgKind.COMMITTEE, s, name="新园社区居委会")
    g = org("jk-th-xy-01", OrgKind.GRID, c, name="新园社区第一网格")
    court = org("jk-court", OrgKind.COURT, d, name="经开区人民法院")
    return District(
        district=d,
        street=s,
        other_street=s2,
        community=c,
        grid=g,
        court=court,
        centre_staff=staff("centre", d, Role.CENTRE_STAFF),
        street_staff=staff("street", s, Role.CENTRE_STAFF),
        other_street_staff=staff("street2", s2, Role.CENTRE_STAFF),
        grid_worker=staff("gridder", g, Role.GRID_WORKER),
    )
