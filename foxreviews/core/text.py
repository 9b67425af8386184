"""Text normalisation shared by loaders and queries (accent- and case-insensitive matching)."""

import re
import unicodedata

# a letter (accents included) or a digit, spelled out: it means the same in Python and in the
# OpenAPI schema's JavaScript dialect (where \w is ASCII only)
LETTER_OR_DIGIT = "[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ]"

_SEPARATORS = re.compile(r"[\s\-'’`_.,/]+")


def normalize_search(text: str) -> str:
    """'Saint-Étienne-du-Rouvray' → 'saint etienne du rouvray'; 'L’Haÿ' → 'l hay'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return _SEPARATORS.sub(" ", stripped.lower()).strip()


def singular(word: str) -> str:
    """A normalised word without its French plural mark ('plombiers' → 'plombier', 'bijoux' →
    'bijou'), to match a visitor's word to a vocabulary put through the same folding."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def vocabulary_key(text: str) -> str:
    """How a vocabulary entry and a visitor's words meet: accents, case, hyphens and plurals
    folded ('Auto-Écoles' → 'auto ecole')."""
    return " ".join(singular(word) for word in normalize_search(text).split())
