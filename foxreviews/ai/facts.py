"""The facts a description is written from: what the directory holds on a pro-localisation,
in a stable shape whose SHA-256 says whether they changed since a description was written."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from foxreviews.core.text import normalize_search

# INSEE's tranches d'effectifs salariés; NN (not an employer, or not known) says nothing
TRANCHES_EFFECTIFS = {
    "00": "aucun salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1 000 à 1 999 salariés",
    "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés",
    "53": "10 000 salariés et plus",
}

# what published avis talk about: a theme is named when one of its words starts a word of a text
THEMES = {
    "l'accueil": ("accueil", "aimable", "souriant", "sympathique", "chaleureu", "gentil"),
    "la ponctualité": ("ponctu", "a l heure", "retard"),
    "les prix": ("prix", "tarif", "devis", "cher", "rapport qualite"),
    "la qualité du travail": ("qualite", "soigne", "professionnel", "competen", "serieu"),
    "la rapidité": ("rapide", "rapidite", "efficace", "delai"),
    "les conseils": ("conseil", "explique", "explication", "ecoute"),
    "la propreté": ("propre",),
}
THEMES_SHOWN = 3
NOTE_SCALE = 5


@dataclass(frozen=True)
class Faits:
    nom: str
    ville: str
    sous_categorie: str
    activite: str = ""  # the NAF label
    enseigne: str = ""
    departement: str = ""
    annee_creation: int | None = None
    tranche_effectifs: str = ""  # a label of TRANCHES_EFFECTIFS
    etat: str = "active"  # or "fermée"
    nombre_avis: int = 0
    note_moyenne: str = ""  # "4,5": one decimal, as French writes it
    themes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["themes"] = list(self.themes)
        if self.nombre_avis:
            data["note_sur"] = NOTE_SCALE
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Faits:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["themes"] = tuple(known.get("themes") or ())
        return cls(**known)

    @property
    def empreinte(self) -> str:
        """SHA-256 of the facts (the provenance's input hash)."""
        payload = json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def texts(self) -> list[str]:
        """Every fact as text (what the checker accepts words and numbers from)."""
        values = self.as_dict()
        out = [str(value) for key, value in values.items() if key != "themes" and value]
        return out + list(self.themes)


def tranche_label(code: str) -> str:
    return TRANCHES_EFFECTIFS.get(code or "", "")


def note_text(note: Decimal | None) -> str:
    if note is None:
        return ""
    rounded = Decimal(note).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded}".replace(".", ",").removesuffix(",0")


def themes_of(texts: list[str]) -> tuple[str, ...]:
    """The themes most avis mention (at most THEMES_SHOWN), most mentioned first."""
    counts: dict[str, int] = {}
    for text in texts:
        folded = f" {normalize_search(text)}"
        for theme, words in THEMES.items():
            if any(re.search(rf" {re.escape(word)}", folded) for word in words):
                counts[theme] = counts.get(theme, 0) + 1
    ranked = sorted(counts, key=lambda theme: (-counts[theme], theme))
    return tuple(ranked[:THEMES_SHOWN])
