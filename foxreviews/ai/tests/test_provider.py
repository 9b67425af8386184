"""The OpenAI-compatible provider through the `openai` package against a local chat API:
provenance, the cluster-wide quota, retries on 429 and 5xx, and a provider that invents."""

import hashlib
import json

import pytest
import redis
from django.conf import settings

from foxreviews.ai.models import DescriptionGeneree
from foxreviews.ai.prompt import PROMPT_VERSION
from foxreviews.ai.providers import AiError, ChatProvider, QuotaExhausted, ai_quota
from foxreviews.ai.services import description_approve, description_generate
from foxreviews.core.exceptions import ApplicationError

from .chat_server import ChatApiServer, honest
from .factories import pro

pytestmark = pytest.mark.django_db


def provider(**options) -> ChatProvider:
    return ChatProvider.from_settings(**options)


def test_provenance_is_stored(reference_data, chat_api):
    proloc = pro()
    draft = description_generate(prolocalisation_id=proloc.pk, provider=provider())
    assert chat_api.statuses() == [200]
    sent = chat_api.bodies[0]
    assert sent["model"] == "gpt-local-test"
    assert draft.fournisseur == "openai-compatible" and draft.modele == "gpt-local-test"
    assert draft.version_prompt == PROMPT_VERSION
    payload = json.dumps(draft.faits, sort_keys=True, ensure_ascii=False)
    assert draft.empreinte_faits == hashlib.sha256(payload.encode()).hexdigest()
    assert draft.faits["ville"] == "Quiberon" and draft.faits["annee_creation"] == 2009
    assert draft.faits["tranche_effectifs"] == "3 à 5 salariés"
    assert draft.faits["nombre_avis"] == 2 and draft.faits["note_moyenne"] == "4,5"
    assert draft.faits["themes"] == ["l'accueil", "la qualité du travail", "les prix"]
    assert '"ville": "Quiberon"' in sent["messages"][1]["content"]
    assert draft.statut == "draft" and draft.verification_ok and draft.constats == []
    assert draft.texte == honest(sent["messages"])
    proloc.refresh_from_db()
    assert proloc.description == ""  # nothing is published before staff approve


def test_without_the_three_settings_the_offline_writer_writes(reference_data):
    draft = description_generate(prolocalisation_id=pro().pk)
    assert (draft.fournisseur, draft.modele) == ("offline", "offline-writer-1")
    assert draft.verification_ok


def test_a_429_then_a_success(reference_data, chat_api):
    chat_api.fail_next(429, retry_after="0")
    chat_api.fail_next(503)
    draft = description_generate(prolocalisation_id=pro().pk, provider=provider())
    assert chat_api.statuses() == [429, 503, 200]
    assert draft.verification_ok


def test_after_the_retries_a_clear_error(reference_data, chat_api):
    chat_api.fail_next(500, times=3)  # AI_RETRIES=2: three attempts
    with pytest.raises(AiError, match=r"après 3 essais \(HTTP 500\)"):
        description_generate(prolocalisation_id=pro().pk, provider=provider())
    assert chat_api.statuses() == [500, 500, 500]
    assert not DescriptionGeneree.objects.exists()


def test_a_wrong_key_is_not_retried(reference_data, chat_api):
    with pytest.raises(AiError, match="HTTP 401"):
        provider(api_key="wrong").write(pro_facts())
    assert chat_api.statuses() == [401]


def pro_facts():
    from foxreviews.ai.selectors import faits_of

    return faits_of(prolocalisation_id=pro().pk)


def test_the_quota_refuses_beyond_the_rate(reference_data, chat_api):
    quota = ai_quota(rate="2/minute", key="quota-test")
    assert quota.limiter.storage.key_prefix == settings.RATE_LIMIT_KEY_PREFIX
    faits = pro_facts()
    writer = provider(quota=quota, quota_wait=0)
    writer.write(faits)
    writer.write(faits)
    with pytest.raises(QuotaExhausted) as refused:
        writer.write(faits)
    assert 0 < refused.value.retry_in <= 60
    assert chat_api.statuses() == [200, 200]  # the third never left
    # counted in Redis under this test run's prefix
    with redis.Redis.from_url(settings.AI_RATE_LIMIT_URL) as client:
        keys = [k.decode() for k in client.scan_iter(match=f"{settings.RATE_LIMIT_KEY_PREFIX}*")]
    assert [k for k in keys if "ai-api" in k and "quota-test" in k] != []
    assert settings.RATE_LIMIT_KEY_PREFIX.startswith("foxreviews-test-")
    # the same quota in another process is the same window: it refuses too
    assert ai_quota(rate="2/minute", key="quota-test").try_acquire() is False
    assert ai_quota(rate="2/minute", key="another-key").try_acquire() is True


def invents(messages):
    return honest(messages) + " Fondée en 1987, elle emploie 25 salariés à Vannes."


def test_a_provider_that_invents_is_never_published(reference_data, settings, staff_user):
    with ChatApiServer(reply=invents) as server:
        settings.AI_API_URL, settings.AI_API_KEY = server.url, server.api_key
        settings.AI_MODEL, settings.AI_RATE = "inventive", "100/minute"
        draft = description_generate(prolocalisation_id=pro().pk, provider=provider())
    assert draft.statut == "draft" and draft.verification_ok is False
    assert draft.constats[:3] == [
        "Nombre absent des faits : « 1987 ».",
        "Nombre absent des faits : « 25 ».",
        "Lieu absent des faits : « Vannes ».",
    ]
    with pytest.raises(ApplicationError, match="faits absents des données"):
        description_approve(description_id=draft.pk, user=staff_user)
    draft.refresh_from_db()
    assert draft.statut == "draft"
    assert draft.prolocalisation.description == ""
