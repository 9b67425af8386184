"""The OpenAI-compatible provider, against a local server speaking that protocol."""

import numpy as np
import openai
import pytest

from foxreviews.semantic.embedding import embedder, offline_embedder
from foxreviews.semantic.models import DIMENSIONS, EntrepriseEmbedding
from foxreviews.semantic.services import entreprise_embeddings_refresh
from foxreviews.semantic.tests.embeddings_server import KEY, MODEL, EmbeddingsServer, vector_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def remote(settings):
    with EmbeddingsServer() as server:
        settings.AI_API_URL, settings.AI_API_KEY = server.url, KEY
        settings.AI_EMBEDDING_MODEL = MODEL
        yield server


def test_without_settings_the_offline_model_embeds(settings):
    settings.AI_API_URL = settings.AI_API_KEY = settings.AI_EMBEDDING_MODEL = ""
    assert embedder() is offline_embedder()


def test_the_api_is_asked_for_the_stored_size_and_its_vectors_normalised(remote):
    vectors = embedder().embed(["fuite d'eau", "couper les cheveux"])
    assert remote.requests == [
        {"model": MODEL, "input": ["fuite d'eau", "couper les cheveux"],
         "dimensions": DIMENSIONS, "encoding_format": "base64"},
    ]  # fmt: skip
    expected = np.asarray(vector_of("fuite d'eau", DIMENSIONS), dtype=np.float32)
    np.testing.assert_allclose(vectors[0], expected / np.linalg.norm(expected), rtol=1e-4)
    assert vectors.shape == (2, DIMENSIONS)


def test_a_wrong_key_is_refused(remote, settings):
    settings.AI_API_KEY = "sk-wrong"
    with pytest.raises(openai.AuthenticationError, match="Incorrect API key provided"):
        embedder().embed(["plombier"])


def test_a_model_answering_another_size_is_an_error(settings):
    with EmbeddingsServer(dimensions=1536) as server:
        settings.AI_API_URL, settings.AI_API_KEY = server.url, KEY
        settings.AI_EMBEDDING_MODEL = MODEL
        with pytest.raises(ValueError, match=f"{MODEL} answered 1536 dimensions, 128 expected"):
            embedder().embed(["plombier"])


def test_changing_the_provider_embeds_every_entreprise_again(directory, remote):
    assert entreprise_embeddings_refresh() == len(directory)
    assert entreprise_embeddings_refresh() == 0
    stored = np.asarray(EntrepriseEmbedding.objects.get(pk=directory["kerjean"].pk).embedding)
    assert abs(float(np.linalg.norm(stored)) - 1.0) < 1e-3
