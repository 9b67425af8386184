"""The fact check: every number, date, place and proper name of a description must come from
the facts it was written from; what does not is a finding, and a text with findings is never
published."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from foxreviews.core.text import normalize_search

from .facts import Faits

NUMBER = re.compile(r"\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?![\d,])|\d+(?:[.,]\d+)?")
TOKEN = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ][0-9A-Za-zÀ-ÖØ-öø-ÿŒœ'’-]*")
SENTENCE_END = re.compile(r"[.!?…]\s*$|^\s*$")
NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
    "cents": 100, "mille": 1000, "million": 1_000_000, "millions": 1_000_000,
}  # fmt: skip
MONTHS = {
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre",
}  # fmt: skip
# small words that join the parts of a place's name ("Saint-Rémy de Provence", "Le Havre")
CONNECTORS = {"de", "du", "des", "la", "le", "les", "sur", "sous", "en", "d", "l", "aux", "lès"}
# capitalised words a description may use without the facts naming them (no claim about the pro)
ALLOWED_NAMES = {"france", "foxreviews"}
PLACE_WINDOW = 6
# words that open a sentence and happen to be communes too (Son, Ardennes; Y, Somme...): alone
# at a sentence's start they are read as words, not places
SENTENCE_WORDS = {
    "a", "au", "aux", "apres", "aucun", "aucune", "avant", "avec", "ce", "ces", "cet", "cette",
    "chez", "d", "dans", "de", "depuis", "des", "du", "elle", "elles", "en", "entre", "et", "eu",
    "ici", "il", "ils", "l", "la", "le", "les", "leur", "leurs", "mais", "nous", "on", "ou",
    "par", "personne", "plus", "pour", "sa", "sans", "selon", "ses", "son", "sous", "sur",
    "un", "une", "vous", "y",
}  # fmt: skip  # tokens; the longest communes' names fit


def _number(raw: str) -> Decimal | None:
    cleaned = re.sub(r"[\u00a0\u202f ]", "", raw).replace(",", ".")
    try:
        return Decimal(cleaned).normalize()
    except InvalidOperation:
        return None


def numbers_in(text: str) -> list[tuple[str, Decimal]]:
    found = [(raw, value) for raw in NUMBER.findall(text) if (value := _number(raw)) is not None]
    for token in TOKEN.findall(text):
        word = normalize_search(token)
        if word in NUMBER_WORDS:
            found.append((token, Decimal(NUMBER_WORDS[word])))
    return found


def _tokens_with_starts(text: str) -> list[tuple[str, bool]]:
    """The text's tokens, each with whether it opens a sentence."""
    out = []
    for match in TOKEN.finditer(text):
        before = text[: match.start()].rstrip(" «\"'(\u00a0\u202f")
        out.append((match.group(), bool(SENTENCE_END.search(before))))
    return out


def _folded_parts(token: str) -> list[str]:
    return normalize_search(token).split()


def check(texte: str, faits: Faits, *, places: Callable[[set[str]], set[str]]) -> list[str]:
    """The findings (one French sentence each) on `texte`; none: every fact is in `faits`.
    `places(names)` says which of the normalised names are communes, départements, régions."""
    return check_texts(texte, faits.texts(), places=places)


def check_texts(
    texte: str, fact_texts: list[str], *, places: Callable[[set[str]], set[str]]
) -> list[str]:
    """check() against facts given as texts (an answer's retrieved rows, say)."""
    allowed_numbers = {value for text in fact_texts for _, value in numbers_in(text)}
    folded_facts = [f" {normalize_search(text)} " for text in fact_texts]
    fact_words = {word for text in folded_facts for word in text.split()} | ALLOWED_NAMES
    findings: list[str] = []

    for raw, value in numbers_in(texte):
        if value not in allowed_numbers:
            findings.append(f"Nombre absent des faits : « {raw} ».")

    tokens = _tokens_with_starts(texte)
    for token, _ in tokens:
        word = normalize_search(token)
        if word in MONTHS and word not in fact_words:
            findings.append(f"Date absente des faits (mois) : « {token} ».")

    # places: every run of capitalised words (with the small words joining them) whose name is a
    # commune, a département or a région must be in the facts
    windows: dict[str, str] = {}
    for start, (token, opens) in enumerate(tokens):
        if not token[:1].isupper():
            continue
        for end in range(start + 1, min(len(tokens), start + PLACE_WINDOW) + 1):
            last = tokens[end - 1][0]
            if end - 1 > start and tokens[end - 1][1]:
                break  # a new sentence
            if not (last[:1].isupper() or normalize_search(last) in CONNECTORS):
                break
            raw = " ".join(t for t, _ in tokens[start:end])
            if end - start == 1 and opens and normalize_search(raw) in SENTENCE_WORDS:
                continue
            windows.setdefault(normalize_search(raw), raw)
    named_places = places(set(windows)) if windows else set()
    flagged_words: set[str] = set()
    for folded in sorted(named_places, key=lambda name: (-len(name), name)):
        if any(f" {folded} " in fact for fact in folded_facts):
            continue
        if set(folded.split()) <= flagged_words:
            continue  # part of a longer place already flagged
        findings.append(f"Lieu absent des faits : « {windows[folded]} ».")
        flagged_words |= set(folded.split())

    # proper names: a capitalised word inside a sentence must be a word of the facts
    for token, opens_sentence in tokens:
        if opens_sentence or not token[:1].isupper():
            continue
        parts = _folded_parts(token)
        if all(part in fact_words for part in parts) or set(parts) <= flagged_words:
            continue
        findings.append(f"Nom propre absent des faits : « {token} ».")
        flagged_words |= set(parts)
    return findings
