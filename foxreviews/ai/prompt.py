"""What the chat API is asked: the facts, and the rules a publishable description follows."""

from __future__ import annotations

import json

from .facts import Faits

PROMPT_VERSION = "2026-11-30"

SYSTEM = (
    "Tu rédiges la description d'un professionnel pour un annuaire français d'entreprises. "
    "Écris en français correct, entre 60 et 120 mots, en un seul paragraphe, sans titre ni "
    "liste. N'utilise QUE les faits fournis : n'invente aucun chiffre, aucune date, aucun "
    "lieu, aucun nom, aucun service, aucun horaire. N'écris aucun nombre ni aucun nom propre "
    "qui ne figure pas dans les faits. Pas de superlatifs publicitaires."
)


def messages_for(faits: Faits) -> list[dict[str, str]]:
    facts = json.dumps(faits.as_dict(), ensure_ascii=False, indent=1, sort_keys=True)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Faits (JSON) :\n{facts}\n\nRédige la description."},
    ]
