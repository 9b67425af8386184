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
