"""Small French grammar for generated sentences: élision, "à"/"au"/"aux" before a commune,
lists, word counts."""

from __future__ import annotations

import re

VOWELS = "aeiouyhàâäéèêëîïôöùûüœæAEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ"
WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ][0-9A-Za-zÀ-ÖØ-öø-ÿŒœ'’-]*")


def elide(short: str, word: str) -> str:
    """'de' + 'installation' → "d'installation"; 'de' + 'pain' → 'de pain' (le, la, que too)."""
    if word[:1] in VOWELS and short in ("de", "le", "la", "que", "De", "Le", "La", "Que"):
        return f"{short[0]}'{word}"
    return f"{short} {word}"


def a_ville(ville: str) -> str:
    """'Lyon' → 'à Lyon', 'Le Havre' → 'au Havre', 'Les Sables-d'Olonne' → 'aux Sables-d'Olonne'."""
    if ville.startswith("Le "):
        return f"au {ville[3:]}"
    if ville.startswith("Les "):
        return f"aux {ville[4:]}"
    return f"à {ville}"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A label inside a sentence: 'Coiffure' → 'coiffure', but an acronym ('SARL') stays."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return text
    return text[:1].lower() + text[1:]


def join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def count_words(text: str) -> int:
    """Words as a reader counts them: "l'entreprise" is one, « and : are none."""
    return len(WORD.findall(text))
