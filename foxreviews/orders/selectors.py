"""Reads on sponsorship orders: the offer of a pro-localisation (prices and free slots), the
slots a market holds, and the orders an account may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from foxreviews.enterprise.models import ProLocalisation
from foxreviews.sponsorship.models import Sponsorisation

from .models import SLOTS_PER_MARKET, TVA_PERCENT, Commande, Tarif, bande_of

LIVE = (Commande.Statut.EN_ATTENTE_PAIEMENT, Commande.Statut.PAYEE, Commande.Statut.ACTIVE)


@dataclass(frozen=True)
class Prix:
    duree_mois: int
    ht: int  # cents
    tva: int
    ttc: int


@dataclass(frozen=True)
class Offre:
    prolocalisation: ProLocalisation
    bande: str
    prix: list[Prix]
    places_total: int
    places_libres: int
    prochaine_place_libre: datetime | None  # when full: when the first slot frees
    deja_sponsorisee: bool  # this pro-localisation holds a slot (ordered, paid or active)


def tva_of(ht_cents: int) -> int:
    """20 % of an amount in cents, rounded half up (integers only: no float ever)."""
    return (ht_cents * TVA_PERCENT + 50) // 100


def prix_of(tarif: Tarif) -> Prix:
    tva = tva_of(tarif.prix_ht_centimes)
    return Prix(tarif.duree_mois, tarif.prix_ht_centimes, tva, tarif.prix_ht_centimes + tva)


def tarifs_for(proloc: ProLocalisation) -> QuerySet[Tarif]:
    return Tarif.objects.filter(
        categorie_id=proloc.sous_categorie.categorie_id, bande=bande_of(proloc.ville.population)
    ).order_by("duree_mois")


def market_occupants(
    *, sous_categorie_id: int, ville_id: int, now: datetime | None = None
) -> dict[int, datetime | None]:
    """The pro-localisations holding a slot of a (sous-catégorie, ville) now, each with when
    its slot frees: an unpaid order's hold, or its sponsorisation's end (one typed in the
    admin counts too). A lapsed hold holds nothing, whether the sweep cancelled it yet or not."""
    now = now or timezone.now()
    occupants: dict[int, datetime | None] = {}
    sponsored = Sponsorisation.objects.filter(
        prolocalisation__sous_categorie_id=sous_categorie_id,
        prolocalisation__ville_id=ville_id,
        is_active=True,
        date_fin__gt=now,
    ).values_list("prolocalisation_id", "date_fin")
    held = Commande.objects.filter(
        Q(statut=Commande.Statut.EN_ATTENTE_PAIEMENT, reservee_jusqua__gt=now)
        | Q(statut=Commande.Statut.PAYEE),
        marche__sous_categorie_id=sous_categorie_id,
        marche__ville_id=ville_id,
    ).values_list("prolocalisation_id", "reservee_jusqua", "statut")
    for proloc_id, ends in sponsored:
        occupants[proloc_id] = max(ends, occupants.get(proloc_id) or ends)
    for proloc_id, hold, statut in held:
        frees = hold if statut == Commande.Statut.EN_ATTENTE_PAIEMENT else None
        if proloc_id not in occupants:
            occupants[proloc_id] = frees
    return occupants


def offre_for(*, prolocalisation_id: int) -> Offre | None:
    proloc = (
        ProLocalisation.objects.select_related("sous_categorie", "ville", "entreprise")
        .filter(pk=prolocalisation_id, is_active=True)
        .first()
    )
    if proloc is None:
        return None
    occupants = market_occupants(
        sous_categorie_id=proloc.sous_categorie_id, ville_id=proloc.ville_id
    )
    libres = max(SLOTS_PER_MARKET - len(occupants), 0)
    ends = [end for end in occupants.values() if end is not None]
    return Offre(
        prolocalisation=proloc,
        bande=bande_of(proloc.ville.population),
        prix=[prix_of(tarif) for tarif in tarifs_for(proloc)],
        places_total=SLOTS_PER_MARKET,
        places_libres=libres,
        prochaine_place_libre=min(ends) if libres == 0 and ends else None,
        deja_sponsorisee=proloc.pk in occupants,
    )


def commande_list(*, user) -> QuerySet[Commande]:
    """The orders `user` may see: their own; staff see every order."""
    commandes = Commande.objects.select_related(
        "sponsorisation",
        "prolocalisation__entreprise",
        "prolocalisation__sous_categorie",
        "prolocalisation__ville",
    ).defer("prolocalisation__entreprise__search_vector")
    return commandes if user.is_staff else commandes.filter(client=user)


def commande_get(*, user, commande_id: int) -> Commande | None:
    return commande_list(user=user).filter(pk=commande_id).first()


def commande_by_session(*, session: str) -> Commande | None:
    return (
        Commande.objects.select_related("prolocalisation__entreprise")
        .defer("prolocalisation__entreprise__search_vector")
        .filter(session_paiement=session)
        .first()
    )
