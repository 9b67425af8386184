"""The search by need: the lexical ranking (selectors.entreprise_search) fused with the vector
rankings by reciprocal rank fusion.

The place the understanding reads stays a filter; the rest of the query ("fuite d'eau",
"couper les cheveux") is the need, embedded (semantic/embedding.py) and ranked two ways within
the filters and the place: the entreprises nearest to it, and those of the trades whose words
are nearest to it (the trade vocabulary's vectors: "couper les cheveux" → coiffure), nearest
first. Each ranking's first FUSED rows score 1 / (RRF_K + rank); the fused rows keep the
search's pagination keys (the exact name first, then open ones, then the fused score)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django.db.models import (
    BooleanField,
    DecimalField,
    ExpressionWrapper,
    FloatField,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL

from foxreviews.enterprise.models import Entreprise
from foxreviews.location.models import Ville
from foxreviews.semantic.embedding import embedder
from foxreviews.semantic.errors import SemanticUnavailable
from foxreviews.semantic.selectors import (
    entreprise_ids_near,
    naf_codes_near,
    semantic_unavailable,
    trades_near,
)

from .selectors import entreprise_search
from .understanding import Place, Understanding

MODES = ("lexical", "semantic", "hybrid")
RRF_K = 60  # the usual constant: a first rank is worth 1/61, a tenth 1/70
FUSED = 50  # rows of each ranking fused
LEXICAL_ORDER = ("-exact", "-active", "-score", "-sponsored", "-rating", "-id")  # the pagination's


def search_mode(requested: str | None) -> str:
    """The mode asked for; by default hybrid where vectors exist, else lexical. Semantic or
    hybrid asked where they cannot work: 503 with the reason."""
    reason = semantic_unavailable()
    if requested is None:
        return "lexical" if reason else "hybrid"
    if requested != "lexical" and reason:
        raise SemanticUnavailable(reason)
    return requested


def need_text(understood: Understanding) -> str:
    """What the visitor needs: the trade as typed and the name words, the place left out."""
    return " ".join((understood.trade_words, *understood.words)).strip()


def entreprise_hybrid_search(
    *,
    q: str,
    within: QuerySet[Entreprise],
    understood: Understanding,
    placed: bool,
    mode: str,
) -> QuerySet[Entreprise]:
    """The search's rows for `mode` (lexical: entreprise_search's own), with its rank keys."""
    lexical = entreprise_search(q=q, within=within, understood=understood, placed=placed)
    need = need_text(understood)
    vector = embedder().embed([need])[0] if mode != "lexical" and need else None
    if vector is None or not vector.any():  # no need to read: the lexical search only
        return lexical
    if understood.place is not None:
        within = within.filter(place_filter(understood.place))
    near = within
    if understood.place is not None:
        # the place's entreprises nearest to the need, among those of the activities nearest
        # to it (the index would visit thousands of rows nationwide to find those of a large
        # place: 45-60 ms for Nantes at 4M)
        near = within.filter(naf_code__in=naf_codes_near(vector))
    rankings = [entreprise_ids_near(vector, within=near, limit=FUSED)]
    codes = trade_codes(vector, understood)
    if codes:
        of_trades = within.filter(naf_code__in=codes)
        rankings.append(entreprise_ids_near(vector, within=of_trades, limit=FUSED))
    exact: list[int] = []
    if mode == "hybrid":
        first = list(lexical.order_by(*LEXICAL_ORDER).values_list("id", "exact")[:FUSED])
        rankings.insert(0, [row_id for row_id, _ in first])
        exact = [row_id for row_id, is_exact in first if is_exact]
    return fused_rows(rrf(rankings), exact=exact)


def trade_codes(vector: np.ndarray, understood: Understanding) -> tuple[str, ...]:
    """The NAF codes of the trades the need names or is nearest to."""
    codes = list(understood.trade.naf_codes) if understood.trade else []
    for match in trades_near(vector):
        codes.extend(match.trade.naf_codes)
    return tuple(dict.fromkeys(codes))


def rrf(rankings: list[list[int]]) -> dict[int, float]:
    """Reciprocal rank fusion: each id's sum of 1 / (RRF_K + rank) over the rankings."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row_id in enumerate(ranking, start=1):
            scores[row_id] = scores.get(row_id, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def fused_rows(scores: dict[int, float], *, exact: list[int]) -> QuerySet[Entreprise]:
    """The fused ids with the search's rank keys (a values() queryset of the ids and keys, as
    entreprise_search's: the view reads the page's rows)."""
    # each row's score read from two arrays (one parameter each): a CASE of a hundred WHENs
    # cost ~20 ms to build in the ORM
    score = RawSQL(
        '(%s::float8[])[array_position(%s::bigint[], "enterprise_entreprise"."id")]',
        (list(scores.values()), list(scores)),
        output_field=FloatField(),
    )
    return (
        Entreprise.objects.filter(id__in=list(scores))
        .values("id")
        .annotate(
            exact=ExpressionWrapper(Q(id__in=exact), output_field=BooleanField())
            if exact
            else Value(False, output_field=BooleanField()),
            active=ExpressionWrapper(
                Q(etat_administratif=Entreprise.Etat.ACTIVE), output_field=BooleanField()
            ),
            score=score,
            sponsored=Value(False, output_field=BooleanField()),
            rating=Value(Decimal(0), output_field=DecimalField(max_digits=3, decimal_places=2)),
        )
    )


def place_filter(place: Place) -> Q:
    """The entreprises of a place, as the lexical search filters them."""
    if place.departement_id is not None:
        villes = Ville.objects.filter(departement_id=place.departement_id).order_by().values("id")
        return Q(ville_id__in=Subquery(villes))
    where = Q(ville_id__in=place.ville_ids)
    if place.codes_postaux:
        where &= Q(code_postal__in=place.codes_postaux)
    return where
