"""The offline writer: a French description of 60-120 words built from the facts alone, with
several phrasings for each fact, chosen from a hash of the facts (the same facts always read
the same; two pros read differently). It invents nothing, so its text passes the fact check."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from .facts import Faits
from .french import a_ville, capitalize, count_words, elide, join_list, lower_first

MIN_WORDS, MAX_WORDS = 60, 120
Phrase = Callable[[Faits], str]


def _quoted(text: str) -> str:
    return f"« {text} »"


def _activite(f: Faits) -> str:
    return lower_first(f.activite or f.sous_categorie)


INTRO: list[Phrase] = [
    lambda f: f"{f.nom} exerce {a_ville(f.ville)} dans le domaine suivant : {_activite(f)}.",
    lambda f: (
        f"L'entreprise {f.nom} est implantée {a_ville(f.ville)}, où elle exerce une "
        f"activité {elide('de', _activite(f))}."
    ),
    lambda f: f"C'est {a_ville(f.ville)} que {f.nom} a installé son activité : {_activite(f)}.",
    lambda f: (
        f"{capitalize(a_ville(f.ville))}, l'établissement {f.nom} se consacre à "
        f"l'activité suivante : {_activite(f)}."
    ),
]
ENSEIGNE: list[Phrase] = [
    lambda f: f"Elle est connue sous l'enseigne {_quoted(f.enseigne)}.",
    lambda f: f"Sa clientèle la connaît sous l'enseigne {_quoted(f.enseigne)}.",
    lambda f: f"L'établissement porte l'enseigne {_quoted(f.enseigne)}.",
]
RUBRIQUE: list[Phrase] = [
    lambda f: f"Dans l'annuaire, elle figure dans la rubrique {_quoted(f.sous_categorie)}.",
    lambda f: f"Vous la trouverez dans la rubrique {_quoted(f.sous_categorie)} de l'annuaire.",
    lambda f: f"Son activité la range dans la rubrique {_quoted(f.sous_categorie)}.",
]
CREATION: list[Phrase] = [
    lambda f: f"Elle a été créée en {f.annee_creation}.",
    lambda f: f"Sa création remonte à {f.annee_creation}.",
    lambda f: f"Son immatriculation date de {f.annee_creation}.",
    lambda f: f"L'établissement a vu le jour en {f.annee_creation}.",
]
EFFECTIF: list[Phrase] = [
    lambda f: f"Elle compte {f.tranche_effectifs}, selon le registre des entreprises.",
    lambda f: f"Son effectif déclaré se situe dans la tranche {_quoted(f.tranche_effectifs)}.",
    lambda f: f"D'après le registre des entreprises, son équipe réunit {f.tranche_effectifs}.",
]
SANS_SALARIE: list[Phrase] = [
    lambda f: "Elle ne déclare aucun salarié au registre des entreprises.",
    lambda f: "D'après le registre des entreprises, elle n'emploie aucun salarié.",
]
ACTIVE: list[Phrase] = [
    lambda f: "Le registre des entreprises la déclare en activité.",
    lambda f: "L'établissement est en activité selon le registre des entreprises.",
    lambda f: "Son établissement est toujours ouvert d'après le registre des entreprises.",
]
FERMEE: list[Phrase] = [
    lambda f: "Attention : le registre des entreprises déclare cet établissement fermé.",
    lambda f: "À noter : cet établissement est fermé selon le registre des entreprises.",
]
SANS_AVIS: list[Phrase] = [
    lambda f: "Aucun avis n'a encore été publié à son sujet.",
    lambda f: "Elle n'a pas encore reçu d'avis publié.",
    lambda f: "Personne n'a encore publié d'avis sur cet établissement.",
]
UN_AVIS: list[Phrase] = [
    lambda f: f"Un avis publié lui attribue la note de {f.note_moyenne} sur 5.",
    lambda f: f"Elle a reçu un premier avis, qui lui donne {f.note_moyenne} sur 5.",
]
AVIS: list[Phrase] = [
    lambda f: (
        f"{f.nombre_avis} avis publiés lui donnent une note moyenne de {f.note_moyenne} sur 5."
    ),
    lambda f: (
        f"Ses clients lui attribuent une note moyenne de {f.note_moyenne} sur 5, sur la "
        f"base de {f.nombre_avis} avis publiés."
    ),
    lambda f: (
        f"Avec {f.nombre_avis} avis publiés, sa note moyenne s'établit à {f.note_moyenne} sur 5."
    ),
]
THEMES: list[Phrase] = [
    lambda f: f"Les avis évoquent surtout {join_list(list(f.themes))}.",
    lambda f: f"Dans leurs commentaires, les clients citent notamment {join_list(list(f.themes))}.",
    lambda f: (
        f"{capitalize(join_list(list(f.themes)))} "
        f"{'reviennent' if len(f.themes) > 1 else 'revient'} souvent dans les avis."
    ),
]
CLOSINGS: list[str] = [
    "Retrouvez sur cette page ses coordonnées et les avis de ses clients.",
    "Vous avez fait appel à ses services ? Partagez votre expérience en publiant un avis.",
    "Les informations présentées ici proviennent du registre officiel des entreprises et des "
    "avis publiés dans l'annuaire.",
    "Comparez son profil avec celui des autres professionnels de la commune avant de faire "
    "votre choix.",
    "Vous êtes responsable de cet établissement ? Revendiquez sa fiche pour la compléter.",
]
# the middle of the text in one of these orders (the intro first, the closings last)
ORDERS = [
    ("enseigne", "rubrique", "creation", "effectif", "etat", "avis", "themes"),
    ("enseigne", "creation", "effectif", "rubrique", "avis", "themes", "etat"),
    ("enseigne", "avis", "themes", "rubrique", "creation", "effectif", "etat"),
    ("enseigne", "etat", "creation", "rubrique", "effectif", "avis", "themes"),
]
# when the text is too long, these go first
DROPPABLE = ("etat", "rubrique", "enseigne", "themes", "effectif")


@dataclass(frozen=True)
class Written:
    texte: str
    plan: tuple[str, ...]  # "slot:variant" of each sentence, in order


class OfflineWriter:
    """The default provider: no network, no quota."""

    name = "offline"
    model = "offline-writer-1"
    prompt_version = "offline-1"  # its phrasings' version: no prompt

    def write(self, faits: Faits) -> str:
        return self.compose(faits).texte

    def compose(self, faits: Faits) -> Written:
        seed = faits.empreinte

        def pick(slot: str, count: int) -> int:
            digest = hashlib.sha256(f"{seed}:{slot}".encode()).digest()
            return int.from_bytes(digest[:4], "big") % count

        sentences: dict[str, tuple[str, str]] = {}

        def add(slot: str, phrases: list[Phrase]) -> None:
            index = pick(slot, len(phrases))
            sentences[slot] = (f"{slot}:{index}", phrases[index](faits))

        add("intro", INTRO)
        if faits.enseigne:
            add("enseigne", ENSEIGNE)
        if faits.activite:  # else the intro named the sous-catégorie already
            add("rubrique", RUBRIQUE)
        if faits.annee_creation:
            add("creation", CREATION)
        if faits.tranche_effectifs:
            add(
                "effectif", SANS_SALARIE if faits.tranche_effectifs == "aucun salarié" else EFFECTIF
            )
        add("etat", ACTIVE if faits.etat == "active" else FERMEE)
        if faits.nombre_avis == 0:
            add("avis", SANS_AVIS)
        elif faits.nombre_avis == 1:
            add("avis", UN_AVIS)
        else:
            add("avis", AVIS)
        if faits.themes and faits.nombre_avis:
            add("themes", THEMES)

        order = ["intro", *ORDERS[pick("order", len(ORDERS))]]
        body = [slot for slot in order if slot in sentences]
        first = pick("closing", len(CLOSINGS))
        closings = [CLOSINGS[(first + i) % len(CLOSINGS)] for i in range(len(CLOSINGS))]

        def text(slots: list[str], closing_count: int) -> str:
            parts = [sentences[slot][1] for slot in slots] + closings[:closing_count]
            return " ".join(parts)

        closing_count = 1
        while count_words(text(body, closing_count)) < MIN_WORDS and closing_count < len(closings):
            closing_count += 1
        for slot in DROPPABLE:
            if count_words(text(body, closing_count)) <= MAX_WORDS:
                break
            if slot in body:
                body.remove(slot)
        plan = tuple(sentences[slot][0] for slot in body) + tuple(
            f"closing:{CLOSINGS.index(c)}" for c in closings[:closing_count]
        )
        return Written(texte=text(body, closing_count), plan=plan)
