"""The documents' tests read the pages' and the services' messages in their source
language, English; the Chinese of those messages is the catalogue's concern
(tests/test_translations.py). The documents themselves are Chinese in any language."""

import pytest

from tests.documents.portal_helpers import two_party_case, use_locmem


@pytest.fixture(autouse=True)
def _messages_in_english(messages_in_english):
    """The messages in English (``tests/conftest.py``)."""


@pytest.fixture(autouse=True)
def outbox(settings):
    """Text messages stay in memory (``mediation.sms.LocmemBackend``), where a test
    reads the link and the codes as a party reads them on their phone."""
    yield from use_locmem(settings)


@pytest.fixture
def case(district):
    """A case at the street with two parties who both have mobile phones."""
    return two_party_case(district)
