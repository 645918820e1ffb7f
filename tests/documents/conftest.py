"""The documents' tests read the pages' and the services' messages in their source
language, English; the Chinese of those messages is the catalogue's concern
(tests/test_translations.py). The documents themselves are Chinese in any language."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
