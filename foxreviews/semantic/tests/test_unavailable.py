"""Without pgvector, or before the vectors are computed: one clear 503, and the search stays
lexical by default."""

import pytest

from foxreviews.core.cache import process_caches
from foxreviews.semantic.selectors import NO_EXTENSION, NO_VECTORS
from foxreviews.semantic.services import embedder_preload
from foxreviews.semantic.tests.conftest import has_vector_tables

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def reason() -> str:
    return NO_VECTORS if has_vector_tables() else NO_EXTENSION


def test_similaires_answer_503_with_the_reason(client, reason):
    response = client.get("/api/entreprises/12345678901234/similaires/")
    assert response.status_code == 503
    assert response.json() == {"message": reason, "extra": {"feature": "semantic"}}


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_semantic_search_answers_503(client, reason, mode):
    response = client.get("/api/search/", {"q": "fuite d'eau quiberon", "mode": mode})
    assert response.status_code == 503
    assert response.json() == {"message": reason, "extra": {"feature": "semantic"}}


def test_the_search_is_lexical_by_default(client, reason):
    response = client.get("/api/search/", {"q": "plombier quiberon"})
    assert response.status_code == 200
    assert response.json()["mode"] == "lexical"


def test_the_state_function_exists_with_or_without_pgvector():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tables, vectors FROM semantic_vector_state()")
        assert cursor.fetchone() == (has_vector_tables(), False)


def test_a_web_worker_loads_no_model_here(reason):
    process_caches.reset()
    assert embedder_preload() is False
