"""Answers to /api/ask/ written by the AI chat provider (AI_API_URL, AI_API_KEY, AI_MODEL) from
the retrieved rows' facts only, checked like the descriptions (ai/checker.py): a number, a
place or a name that is not in those facts sends the visitor the extractive answer instead, as
does a provider out of reach or out of quota (a question never waits for a permit)."""

from __future__ import annotations

import json

import structlog

from foxreviews.ai.checker import check_texts
from foxreviews.ai.providers import AiError, ChatProvider
from foxreviews.ai.selectors import known_places
from foxreviews.core.text import normalize_search

from .ask import CITED, UNKNOWN_FACTS, Answer, Facts, Retrieval, extractive_answer

logger = structlog.get_logger(__name__)
RATING_SCALE = "notes sur 5"  # a fact of the directory: "4,6/5" is allowed

SYSTEM = (
    "Tu réponds en français à la question d'un visiteur d'un annuaire d'entreprises, en 80 "
    "mots au plus, à partir des seules entreprises fournies (JSON) et de leurs faits. Cite les "
    "entreprises par leur nom exact. N'invente aucun chiffre, aucune date, aucun lieu, aucun "
    "nom, aucun horaire, aucun prix. Si la question porte sur ce que les faits ne disent pas "
    "(horaires, prix, téléphone), dis que l'annuaire ne le sait pas."
)


def _row(facts: Facts) -> dict:
    return {"nom": facts.nom, "annee_creation": facts.annee_creation, **facts.used()}


def messages_for(retrieval: Retrieval) -> list[dict[str, str]]:
    rows = json.dumps([_row(f) for f in retrieval.rows[:CITED]], ensure_ascii=False, indent=1)
    question = retrieval.question.text
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Entreprises (JSON) :\n{rows}\n\nQuestion : {question}"},
    ]


def llm_answer(retrieval: Retrieval, *, provider: ChatProvider | None = None) -> Answer:
    """The provider's answer when it holds only the retrieved facts, else the extractive one."""
    if not retrieval.rows:
        return extractive_answer(retrieval)
    cited = retrieval.rows[:CITED]
    try:
        provider = provider or ChatProvider.from_settings(quota_wait=0)
        text = provider.complete(messages_for(retrieval))
    except AiError as exc:
        logger.warning("ask answered without the AI provider", reason=str(exc))
        return extractive_answer(retrieval)
    caveats = [UNKNOWN_FACTS[key][1] for key in retrieval.question.unknown]
    fact_texts = [retrieval.question.text, *caveats, RATING_SCALE]
    fact_texts += [str(value) for f in cited for value in _row(f).values() if value]
    findings = check_texts(text, fact_texts, places=lambda names: known_places(names=names))
    if findings:
        logger.warning("ask: the AI answer was not kept", findings=findings)
        return extractive_answer(retrieval)
    folded = normalize_search(text)
    named = [f for f in cited if normalize_search(f.nom) in folded]
    return Answer(" ".join([text, *caveats]), named or cited, retrieval.question.unknown, "ai")
