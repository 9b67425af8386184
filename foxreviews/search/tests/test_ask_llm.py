"""/api/ask/ with an AI chat provider configured (a local OpenAI-compatible API): its answer
when it holds only the cited rows' facts, the extractive one when it invents or is out of
reach."""

import json
from decimal import Decimal

import pytest

from foxreviews.ai.tests.chat_server import ChatApiServer

from .test_ask import bayeux  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
QUESTION = "Quel plombier ouvert à Bayeux a les meilleurs avis ?"


def _rows_in(messages: list[dict[str, str]]) -> list[dict]:
    user = next(m["content"] for m in messages if m["role"] == "user")
    return json.loads(user[user.index("[") : user.rindex("]") + 1])


def faithful(messages):
    best = _rows_in(messages)[0]
    note = format(Decimal(best["note_moyenne"]).normalize(), "f").replace(".", ",")
    return f"{best['nom']}, à {best['ville']}, a la meilleure note : {note}/5."


def inventing(messages):
    best = _rows_in(messages)[0]
    return f"{best['nom']} répare les fuites à Caen depuis 1987."


@pytest.fixture
def chat_api(settings):
    with ChatApiServer(reply=faithful) as server:
        settings.AI_API_URL, settings.AI_API_KEY = server.url, server.api_key
        settings.AI_MODEL, settings.AI_RATE = "gpt-local-test", "1000/minute"
        yield server


def test_the_providers_answer_citing_what_it_names(client, bayeux, chat_api):  # noqa: F811
    body = client.get("/api/ask/", {"q": QUESTION}).json()
    assert (body["writer"], body["answer"]) == (
        "ai", "Marie et Fils, à Bayeux, a la meilleure note : 4,6/5."
    )  # fmt: skip
    assert [c["nom"] for c in body["citations"]] == ["Marie et Fils"]
    # the prompt held the retrieved rows' facts and nothing else
    prompt = chat_api.bodies[-1]["messages"][1]["content"]
    assert [row["nom"] for row in _rows_in(chat_api.bodies[-1]["messages"])] == [
        "Marie et Fils", "Lecoq Plomberie", "Bessin Dépannage",
    ]  # fmt: skip
    assert "Boulangerie Tapisserie" not in prompt


def test_an_invented_fact_sends_the_extractive_answer(client, bayeux, chat_api):  # noqa: F811
    chat_api.reply = inventing
    body = client.get("/api/ask/", {"q": QUESTION}).json()
    assert body["writer"] == "extractive"
    assert body["answer"].startswith("D'après l'annuaire, pour « plombiers, chauffagistes » à")
    assert "1987" not in body["answer"] and "Caen" not in body["answer"]


def test_a_provider_out_of_reach_or_quota_sends_the_extractive_answer(
    client,
    bayeux,  # noqa: F811
    chat_api,
    settings,
):
    chat_api.fail_next(503, times=10)
    settings.AI_RETRIES, settings.AI_BACKOFF = 1, 0.01
    assert client.get("/api/ask/", {"q": QUESTION}).json()["writer"] == "extractive"
    settings.AI_RATE = "1/hour"  # the quota spent: the question does not wait for a permit
    client.get("/api/ask/", {"q": QUESTION})
    before = len(chat_api.statuses())
    assert client.get("/api/ask/", {"q": QUESTION}).json()["writer"] == "extractive"
    assert len(chat_api.statuses()) == before
