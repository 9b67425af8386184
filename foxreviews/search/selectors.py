"""What a visitor finds: the entreprise search and the pro-localisation listing.

The query is first read as a trade, a place and name words (understanding.py); the trade and
the place become filters on indexed columns (naf_code, ville), the name words French full text
on the stored search vector, typo-tolerant through the directory's word list, ranked without
sorting every match:

1. The query's words (unaccented, lower-case) are looked up in `search_word`; a word
   the directory does not use is replaced by the words spelt like it (trigram similarity), so
   "boulangrie" searches "boulangerie" and "clien d'oeil" searches "clin d'oeil". One query.
2. The entreprises whose search vector matches every word (each word or one of its spellings),
   within the filters, read from the GIN index: at most SEARCH_CANDIDATES of them.
3. Those candidates only are ranked: the exact name first, then the open establishments, then
   by ts_rank, then as the listing does (sponsored now, then the best rated), then by id (the
   cursor's tie-breaker). A trade in a place without name words is narrow enough (the NAF
   codes of a few communes) to rank every match instead, from the (ville, naf_code) index
   alone. Only the rank keys are computed for them; the page's rows are read afterwards,
   by id (entreprise_search_rows).

A closed establishment comes after the open ones, by id: its sponsorisation and its rating no
longer promote it (and are not read, which halves the work of a big place).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Lower
from django.db.models.lookups import Exact
from django.utils import timezone

from foxreviews.category.selectors import Trade
from foxreviews.enterprise.models import SEARCH_CONFIG, Entreprise, ProLocalisation
from foxreviews.enterprise.selectors import entreprise_list
from foxreviews.location.models import Ville
from foxreviews.sponsorship.models import Sponsorisation

from .understanding import Place, Understanding

SEARCH_MIN_LENGTH = 3
SEARCH_CANDIDATES = 1000
SIMILAR_WORDS = 3  # spellings tried for a word the directory does not use
SIMILARITY = 0.35  # pg_trgm similarity a spelling needs
RATING = DecimalField(max_digits=3, decimal_places=2)  # note_moyenne's; 0 when unrated
OPEN = Q(etat_administratif=Entreprise.Etat.ACTIVE)


@dataclass(frozen=True)
class SearchTerm:
    word: str
    spellings: tuple[str, ...]  # the word itself when the directory uses it, else its neighbours


def search_terms(q: str) -> list[SearchTerm]:
    """The words of `q` as the word list sees them, each with what to search for it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.word,
                   -- the list holds no short word and no word with a digit: kept as typed
                   length(t.word) < 3 OR t.word ~ '[0-9]'
                   OR EXISTS (SELECT FROM search_word w WHERE w.word = t.word),
                   ARRAY(SELECT w.word FROM search_word w
                         WHERE w.word %% t.word AND similarity(w.word, t.word) >= %s
                         ORDER BY similarity(w.word, t.word) DESC, w.ndoc DESC, w.word
                         LIMIT %s)
            FROM unnest(tsvector_to_array(to_tsvector('simple', foxreviews_unaccent(%s))))
                 AS t(word)
            """,
            [SIMILARITY, SIMILAR_WORDS, q],
        )
        rows = cursor.fetchall()
    return [
        SearchTerm(word, (word,) if known or not similar else tuple(similar))
        for word, known, similar in rows
    ]


def search_query(terms: list[SearchTerm]) -> SearchQuery | None:
    """Every term (AND), each through any of its spellings (OR); None when nothing is left."""
    query = None
    for term in terms:
        either = None
        for spelling in term.spellings:
            one = SearchQuery(spelling, config=SEARCH_CONFIG, search_type="plain")
            either = one if either is None else either | one
        query = either if query is None else query & either
    return query


def entreprise_search(
    *, q: str, within: QuerySet[Entreprise], understood: Understanding, placed: bool = False
) -> QuerySet[Entreprise]:
    """The entreprises of `within` (already filtered; `placed`: to a place) that match `q` as
    `understood` reads it (understanding.py), annotated with the rank keys the search
    pagination orders by (exact, active, score, sponsored, rating, id): a values() queryset of
    the ids and keys only (entreprise_search_rows() reads a page's rows). A trade is:
    - in a place (q's or the filters'), without name words: the trade's NAF codes, read from
      the (ville, naf_code) index;
    - in a place, with name words: the NAF codes or the trade's words in the name;
    - without a place: name words, as before (typos tolerated; a country of restaurants is
      no answer, and the name's GIN index finds them at once)."""
    placed = placed or understood.place is not None
    trade = understood.trade if placed else None
    words = understood.words
    if understood.trade is not None and not placed:  # the trade's words are name words
        words = (*understood.trade_words.split(), *words)
    names = search_query(search_terms(" ".join(words))) if words else None
    trade_words = (
        SearchQuery(understood.trade_words, config=SEARCH_CONFIG, search_type="plain")
        if trade
        else None
    )
    if names is None and trade is None and understood.place is None:
        # only separators: no result, with the keys the pagination orders by
        none = Value(False, output_field=BooleanField())
        return (
            Entreprise.objects.none()
            .values("id")
            .annotate(
                exact=none,
                active=none,
                score=Value(0.0, output_field=FloatField()),
                sponsored=none,
                rating=Value(Decimal(0), output_field=RATING),
            )
        )
    matches = within
    if understood.place is not None:
        matches = matches.filter(_in_place(understood.place))
    if trade is not None and names is None:
        matches = matches.filter(naf_code__in=trade.naf_codes)
        trade_words = None  # nothing to rank by name
    elif trade is not None:
        matches = matches.filter(Q(naf_code__in=trade.naf_codes) | Q(search_vector=trade_words))
    if names is not None:
        matches = matches.filter(search_vector=names)
    ranked_by = names & trade_words if names and trade_words else names or trade_words
    if trade is not None and names is None:
        ranked = matches  # a trade in a place: every match, keys read from the index
    else:
        ranked = Entreprise.objects.filter(
            id__in=Subquery(matches.values("id")[:SEARCH_CANDIDATES])
        )
    return ranked.values("id").annotate(
        # the exact name first, when there is a name to match
        exact=Exact(_folded(F("nom")), _folded(Value(q.strip())))
        if ranked_by is not None
        else Value(False, output_field=BooleanField()),
        active=ExpressionWrapper(OPEN, output_field=BooleanField()),
        # float8: a real (float4) would come back rounded and break the cursor's equality
        score=Cast(SearchRank(F("search_vector"), ranked_by), FloatField())
        if ranked_by is not None
        else Value(0.0, output_field=FloatField()),
        **_listing_keys(trade),
    )


def _listing_keys(trade: Trade | None) -> dict:
    """The listing's keys for an entreprise (its active pro-localisations, in the trade's
    sous-catégories when the query has a trade): sponsored now, then its best rating."""
    mine = {"entreprise": OuterRef("pk"), "is_active": True}  # its active pro-localisations
    if trade is not None:
        mine["sous_categorie__slug__in"] = trade.sous_categories
    now = timezone.now()
    sponsored_now = Sponsorisation.objects.filter(
        **{f"prolocalisation__{lookup}": value for lookup, value in mine.items()},
        is_active=True,
        date_debut__lte=now,
        date_fin__gt=now,
    )
    best = ProLocalisation.objects.filter(**mine, note_moyenne__isnull=False)
    best = best.order_by("-note_moyenne")
    return {
        # a scalar subquery, read for each candidate: as an EXISTS, the planner may hash every
        # sponsored pro-localisation of the trade in France first (0.2 s for restaurants)
        "sponsored": Case(
            When(
                OPEN,
                then=Coalesce(Subquery(sponsored_now.values(yes=Value(True))[:1]), Value(False)),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "rating": Case(
            When(OPEN, then=Coalesce(Subquery(best.values("note_moyenne")[:1]), Value(Decimal(0)))),
            default=Value(Decimal(0)),
            output_field=RATING,
        ),
    }


def entreprise_search_rows(keys: list[dict]) -> list[dict]:
    """The list's rows (entreprise_list()) of a search's page, in the page's order, each with
    its rank keys: one query by id for the page, not for every match ranked."""
    rows = {row["id"]: row for row in entreprise_list().filter(id__in=[k["id"] for k in keys])}
    return [{**rows[k["id"]], **k} for k in keys if k["id"] in rows]


def _in_place(place: Place) -> Q:
    """The entreprises of a place, by the indexed ville column: its communes' ids (the ones of
    a département as a subquery), narrowed by code postal for an arrondissement."""
    if place.departement_id is not None:
        villes = Ville.objects.filter(departement_id=place.departement_id).order_by().values("id")
        return Q(ville_id__in=Subquery(villes))
    where = Q(ville_id__in=place.ville_ids)
    if place.codes_postaux:
        where &= Q(code_postal__in=place.codes_postaux)
    return where


def _folded(expression) -> Lower:
    """Case- and accent-insensitive form, as the database computes it."""
    return Lower(Func(expression, function="foxreviews_unaccent"))


def prolocalisation_listing(*, ville: str, sous_categorie: str) -> QuerySet[ProLocalisation]:
    """The active pro-localisations of a ville (code INSEE) in a sous-catégorie (slug), with
    the keys the listing orders by: sponsored now first, then the best rated (unrated last),
    then the most reviewed, then id. One ville and one sous-catégorie hold few rows
    (proloc_listing_idx finds them), so ranking them all is cheap."""
    now = timezone.now()
    sponsored_now = Sponsorisation.objects.filter(
        prolocalisation=OuterRef("pk"), is_active=True, date_debut__lte=now, date_fin__gt=now
    )
    return (
        ProLocalisation.objects.filter(
            ville__code_insee=ville, sous_categorie__slug=sous_categorie, is_active=True
        )
        .select_related("entreprise", "sous_categorie__categorie", "ville")
        .defer("entreprise__search_vector")
        .annotate(
            sponsored=Exists(sponsored_now),
            rating=Coalesce("note_moyenne", Value(Decimal(0)), output_field=RATING),
        )
    )
