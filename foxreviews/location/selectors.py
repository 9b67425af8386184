"""Reads on the geography."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from cachetools import TTLCache
from cachetools.func import ttl_cache
from django.db.models import F, QuerySet

from foxreviews.core.cache import process_caches
from foxreviews.core.text import normalize_search

from .models import CodePostal, Departement, Ville

AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_LIMIT = 10


def ville_list() -> QuerySet[Ville]:
    return Ville.objects.select_related("departement")


# what the autocomplete answers for each ville (VilleAutocompleteSerializer documents it)
AUTOCOMPLETE_FIELDS = (
    "code_insee", "nom", "slug", "codes_postaux", "population", "code_departement",
)  # fmt: skip


def villes_starting_with(villes: QuerySet[Ville], *, q: str) -> QuerySet[Ville]:
    """The villes whose name (accent- and case-insensitive) or a code postal starts with `q`."""
    q = q.strip()
    if q.isdigit():
        return villes.filter(
            id__in=CodePostal.objects.filter(code__startswith=q).values("ville_id")
        )
    return villes.filter(nom_recherche__startswith=normalize_search(q))


def ville_autocomplete(*, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> QuerySet[Ville]:
    """Villes starting with `q`, bigger communes first, as dicts of what the autocomplete
    answers (a commune of the collectivités d'outre-mer has no département: its
    departement__nom is None)."""
    villes = villes_starting_with(Ville.objects.all(), q=q)
    return villes.values(*AUTOCOMPLETE_FIELDS, "departement__nom").order_by(
        F("population").desc(nulls_last=True), "nom", "id"
    )[:limit]


# -- places named in a search ("plombier st etienne", "restaurant finistere") ------------------

ARTICLES = ("le", "la", "les", "l")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
DEPARTEMENTS_TTL = 3600  # seconds a process keeps the 101 départements, and places named
PLACES_CACHED = 20_000  # names and codes postaux a process keeps the communes of


@dataclass(frozen=True)
class Commune:
    id: int
    code_insee: str
    nom: str
    population: int  # 0 when unknown
    code_departement: str


@dataclass(frozen=True)
class DepartementRef:
    id: int
    code: str
    nom: str
    chef_lieu: str  # code INSEE of its chef-lieu


def place_spellings(words: str) -> list[str]:
    """The nom_recherche a visitor's words may stand for: "st"/"ste" spelt out, a leading
    article optional ("sables d olonne" → "les sables d olonne")."""
    tokens = [ABBREVIATIONS.get(token, token) for token in words.split()]
    name = " ".join(tokens)
    if not tokens or tokens[0] in ARTICLES:
        return [name]
    return [name, *(f"{article} {name}" for article in ARTICLES)]


def communes_named(names: Iterable[str]) -> dict[str, list[Commune]]:
    """The communes each normalised name (normalize_search) may mean, the most populous first;
    from this process's copy of the names already asked for (an hour; what no commune is
    called too), the others in one indexed query (ville_nom_prefix_idx)."""
    found: dict[str, list[Commune]] = {}
    missing = []
    with _places_lock:
        for name in set(names):
            communes = _communes_by_name.get(name)
            if communes is None:
                missing.append(name)
            elif communes:
                found[name] = list(communes)
    if not missing:
        return found
    read = _communes_named_read(missing)
    with _places_lock:
        for name in missing:
            _communes_by_name[name] = tuple(read.get(name, ()))
    return found | read


def _communes_named_read(names: list[str]) -> dict[str, list[Commune]]:
    spellings: dict[str, list[str]] = {}
    for name in names:
        for spelling in place_spellings(name):
            spellings.setdefault(spelling, []).append(name)
    rows = (
        Ville.objects.filter(nom_recherche__in=list(spellings))
        .order_by()
        .values_list("nom_recherche", "id", "code_insee", "nom", "population", "code_departement")
    )
    found: dict[str, list[Commune]] = {}
    for nom_recherche, id_, code_insee, nom, population, departement in rows:
        commune = Commune(id_, code_insee, nom, population or 0, departement)
        for name in spellings[nom_recherche]:
            found.setdefault(name, []).append(commune)
    for communes in found.values():
        communes.sort(key=lambda c: (-c.population, c.code_insee))
    return found


def communes_of_code_postal(code: str) -> list[Commune]:
    """Every commune a code postal serves (La Poste's base), the most populous first; from
    this process's copy of the codes already asked for (an hour)."""
    with _places_lock:
        communes = _communes_by_code_postal.get(code)
    if communes is None:
        rows = (
            Ville.objects.filter(codes_postaux_set__code=code)
            .order_by(F("population").desc(nulls_last=True), "code_insee")
            .values_list("id", "code_insee", "nom", "population", "code_departement")
            .distinct()
        )
        communes = tuple(
            Commune(id_, insee, nom, population or 0, dept)
            for id_, insee, nom, population, dept in rows
        )
        with _places_lock:
            _communes_by_code_postal[code] = communes
    return list(communes)


# the places visitors name, as this process read them (reference data: it changes with a
# load_reference_data, seen within the hour); bounded, whatever visitors type
_communes_by_name: TTLCache = TTLCache(maxsize=PLACES_CACHED, ttl=DEPARTEMENTS_TTL)
_communes_by_code_postal: TTLCache = TTLCache(maxsize=PLACES_CACHED, ttl=DEPARTEMENTS_TTL)
_places_lock = threading.Lock()  # the web process's threads share them


def _places_clear() -> None:
    with _places_lock:
        _communes_by_name.clear()
        _communes_by_code_postal.clear()


process_caches.register(_places_clear)


def departements_by(what: str) -> dict[str, DepartementRef]:
    """The départements by code ("2a", "69", lower-case) or by normalised name ("cotes d
    armor"), from this process's copy (one query an hour)."""
    by_code, by_name = _departements()
    return by_code if what == "code" else by_name


@ttl_cache(maxsize=1, ttl=DEPARTEMENTS_TTL)
def _departements() -> tuple[dict[str, DepartementRef], dict[str, DepartementRef]]:
    rows = [DepartementRef(*row) for row in
            Departement.objects.values_list("id", "code", "nom", "chef_lieu")]  # fmt: skip
    by_code = {d.code.lower(): d for d in rows}
    by_name = {place_spellings(normalize_search(d.nom))[0]: d for d in rows}
    return by_code, by_name


process_caches.register(_departements.cache_clear)
