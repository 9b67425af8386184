"""Fixtures of the descriptions' tests: a local OpenAI-compatible API and the settings that
point the provider at it."""

import pytest

from .chat_server import ChatApiServer


@pytest.fixture
def chat_api(settings):
    """A local chat API, and AI_API_URL / AI_API_KEY / AI_MODEL naming it (a roomy quota)."""
    with ChatApiServer() as server:
        settings.AI_API_URL = server.url
        settings.AI_API_KEY = server.api_key
        settings.AI_MODEL = "gpt-local-test"
        settings.AI_RATE = "1000/minute"
        yield server


@pytest.fixture
def staff_user(db):
    from foxreviews.users.tests.factories import UserFactory

    return UserFactory(username="relectrice", email="relectrice@foxreviews.fr", is_staff=True,
                       is_superuser=True)  # fmt: skip
