"""Questions answered from the directory: what the question asks (a trade or a need, a place,
"ouvert", "les meilleurs avis", facts the directory does not hold), the rows the search finds
for it, their facts, and a French answer that cites them.

The answer is written by `answer_writer()`: the extractive one here by default (sentences
built from the retrieved facts only), or the AI chat provider when one is configured
(ask_llm.py: a prompt holding the retrieved facts only, its answer checked against them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from foxreviews.ai.providers import chat_api_configured
from foxreviews.core.text import normalize_search
from foxreviews.enterprise.models import Entreprise, ProLocalisation

from .hybrid import LEXICAL_ORDER, entreprise_hybrid_search, need_text, search_mode
from .understanding import Understanding, understand

CITED = 3  # rows the answer names
RETRIEVED = 10  # rows read for it

# question words and phrasings that ask nothing of the directory's rows
_QUESTION_TEXT = """
quel quelle quels quelles qui ou est ce que qu il y a t on peut trouver cherche recherche je un
une des les le la du de d mon ma mes bon bonne bons bonnes conseiller conseillez recommander
recommandez connaissez connais existe svp faire
"""
QUESTION_WORDS = frozenset(_QUESTION_TEXT.split())
OPEN_WORDS = frozenset({"ouvert", "ouverte", "ouverts", "ouvertes", "actif", "active", "actifs"})
RATING_WORDS = frozenset({"meilleur", "meilleure", "meilleurs", "meilleures", "mieux", "note",
                          "notes", "notee", "avis", "recommande", "recommandee"})  # fmt: skip
# what a visitor may ask that the directory does not hold, with how the answer says so
UNKNOWN_FACTS = {
    "horaires": (
        {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "horaires",
         "horaire", "heure", "heures", "soir", "matin", "nuit", "maintenant", "ferie", "24h"},
        "Les horaires d'ouverture ne figurent pas dans l'annuaire : je ne peux pas dire qui est "
        "ouvert à ce moment-là ; « ouvert » ne désigne ici que les entreprises en activité.",
    ),
    "prix": (
        {"prix", "tarif", "tarifs", "cher", "devis", "cout"},
        "Les prix et tarifs ne figurent pas dans l'annuaire.",
    ),
    "telephone": (
        {"telephone", "tel", "numero", "mail", "email", "joindre"},
        "L'annuaire ne publie ni téléphone ni adresse électronique.",
    ),
}  # fmt: skip
WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Question:
    text: str
    search: str  # what is searched: the question without its question words and intents
    open_only: bool
    by_rating: bool
    unknown: tuple[str, ...]  # keys of UNKNOWN_FACTS the question asks for


@dataclass(frozen=True)
class Facts:
    """What the directory holds on one retrieved row (and may be said of it)."""

    siret: str
    nom: str
    ville: str | None
    activite: str | None
    etat_administratif: str
    note_moyenne: Decimal | None
    nombre_avis: int
    annee_creation: int | None

    def used(self) -> dict:
        return {
            "ville": self.ville,
            "activite": self.activite,
            "etat_administratif": self.etat_administratif,
            "note_moyenne": str(self.note_moyenne) if self.note_moyenne is not None else None,
            "nombre_avis": self.nombre_avis,
        }


@dataclass(frozen=True)
class Answer:
    text: str
    cited: list[Facts]
    unknown: tuple[str, ...] = ()
    writer: str = "extractive"  # or "ai": the chat provider's, checked against the facts


@dataclass
class Retrieval:
    question: Question
    understood: Understanding
    mode: str
    rows: list[Facts] = field(default_factory=list)


def read_question(text: str) -> Question:
    words = WORD.findall(normalize_search(text))
    unknown = tuple(key for key, (markers, _) in UNKNOWN_FACTS.items() if markers & set(words))
    markers = set().union(*(markers for markers, _ in UNKNOWN_FACTS.values()))
    kept = [w for w in words if w not in QUESTION_WORDS | OPEN_WORDS | RATING_WORDS | markers]
    return Question(
        text=text,
        search=" ".join(kept),
        open_only=bool(OPEN_WORDS & set(words)) or "horaires" in unknown,
        by_rating=bool(RATING_WORDS & set(words)),
        unknown=unknown,
    )


def retrieve(question: Question) -> Retrieval:
    """The rows the search finds for the question (hybrid where vectors exist), open ones only
    when it asks, the best rated first when it asks, with their facts."""
    understood = understand(question.search)
    mode = search_mode(None)
    within: QuerySet[Entreprise] = Entreprise.objects.all()
    if question.open_only:
        within = within.filter(etat_administratif=Entreprise.Etat.ACTIVE)
    if understood.trade is not None:  # a question naming a trade: other trades answer nothing
        within = within.filter(naf_code__in=understood.trade.naf_codes)
    retrieval = Retrieval(question, understood, mode)
    if not (understood.trade or understood.place or understood.words):
        return retrieval
    found = entreprise_hybrid_search(
        q=question.search, within=within, understood=understood, placed=False, mode=mode
    )
    ids = list(found.order_by(*LEXICAL_ORDER).values_list("id", flat=True)[:RETRIEVED])
    retrieval.rows = facts_of(ids)
    if question.by_rating:  # among the rows of its trade, or the nearest ones to its need
        ranked = RETRIEVED if understood.trade is not None else CITED
        retrieval.rows[:ranked] = sorted(
            retrieval.rows[:ranked],
            key=lambda f: (f.note_moyenne or Decimal(0), f.nombre_avis),
            reverse=True,
        )
    return retrieval


def facts_of(ids: list[int]) -> list[Facts]:
    """The facts of these entreprises, in this order (two queries)."""
    rows = Entreprise.objects.filter(id__in=ids).values(
        "id", "siret", "nom", "ville__nom", "etat_administratif", "date_creation"
    )
    best: dict[int, ProLocalisation] = {}
    prolocs = (
        ProLocalisation.objects.filter(entreprise_id__in=ids, is_active=True)
        .select_related("sous_categorie")
        .only(
            "entreprise_id",
            "note_moyenne",
            "nombre_avis",
            "sous_categorie__nom",
            "sous_categorie__nom_public",
        )
    )
    for proloc in prolocs:
        known = best.get(proloc.entreprise_id)
        if known is None or (proloc.note_moyenne or 0, proloc.nombre_avis) > (
            known.note_moyenne or 0,
            known.nombre_avis,
        ):
            best[proloc.entreprise_id] = proloc
    by_id = {row["id"]: row for row in rows}
    facts = []
    for row_id in ids:
        row, proloc = by_id[row_id], best.get(row_id)
        facts.append(
            Facts(
                siret=row["siret"],
                nom=row["nom"],
                ville=row["ville__nom"],
                activite=proloc.sous_categorie.visitor_name if proloc else None,
                etat_administratif=row["etat_administratif"],
                note_moyenne=proloc.note_moyenne if proloc else None,
                nombre_avis=proloc.nombre_avis if proloc else 0,
                annee_creation=row["date_creation"].year if row["date_creation"] else None,
            )
        )
    return facts


def extractive_answer(retrieval: Retrieval) -> Answer:
    """A French answer made of the retrieved facts only: the first rows named with their
    rating, then what the directory does not know."""
    question, understood = retrieval.question, retrieval.understood
    what = understood.trade.name.lower() if understood.trade else need_text(understood)
    where = f" à {understood.place.name}" if understood.place else ""
    caveats = [UNKNOWN_FACTS[key][1] for key in question.unknown]
    if not retrieval.rows:
        text = f"L'annuaire ne connaît aucune entreprise pour « {what} »{where}."
        return Answer(" ".join([text, *caveats]), [], question.unknown)
    cited = retrieval.rows[:CITED]
    named = [f"{f.nom}{_rating(f)}" for f in cited]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " et " + named[-1]
    order = "les mieux notées d'abord" if question.by_rating else "les plus proches d'abord"
    text = f"D'après l'annuaire, pour « {what} »{where} ({order}) : {listed}."
    if any(f.etat_administratif != Entreprise.Etat.ACTIVE for f in cited):
        text += " Attention : certaines sont fermées (état administratif)."
    return Answer(" ".join([text, *caveats]), cited, question.unknown)


def _rating(facts: Facts) -> str:
    if facts.note_moyenne is None or not facts.nombre_avis:
        return " (pas encore d'avis)"
    note = f"{facts.note_moyenne:.1f}".replace(".", ",")
    return f" ({note}/5 sur {facts.nombre_avis} avis)"


AnswerWriter = Callable[[Retrieval], Answer]


def answer_writer() -> AnswerWriter:
    """Who writes the answer from the retrieved facts: the AI chat provider when one is
    configured (ask_llm.py: checked against the facts, the extractive answer otherwise), else
    the extractive writer."""
    if chat_api_configured():
        from .ask_llm import llm_answer  # it imports this module

        return llm_answer
    return extractive_answer


def ask(text: str) -> tuple[Retrieval, Answer]:
    retrieval = retrieve(read_question(text))
    return retrieval, answer_writer()(retrieval)
