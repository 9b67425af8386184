"""Reads for descriptions: a pro-localisation's facts, the ones the batch should write or write
again, the place names a text may mention."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from foxreviews.category.models import NafCode
from foxreviews.core.text import normalize_search
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.location.models import Departement, Region, Ville
from foxreviews.reviews.models import Avis

from .facts import Faits, note_text, themes_of, tranche_label
from .models import DescriptionGeneree

AVIS_READ_FOR_THEMES = 50  # the newest published avis are enough to name what they talk about


def faits_of(*, prolocalisation_id: int) -> Faits:
    """What the directory holds on a pro-localisation, as the writer and the checker read it."""
    proloc = ProLocalisation.objects.select_related(
        "entreprise", "sous_categorie", "ville__departement"
    ).get(pk=prolocalisation_id)
    entreprise = proloc.entreprise
    activite = (
        NafCode.objects.filter(code=entreprise.naf_code).values_list("libelle", flat=True).first()
        if entreprise.naf_code
        else None
    )
    textes = list(
        Avis.objects.filter(prolocalisation_id=proloc.pk, statut=Avis.Statut.PUBLIE, masque=False)
        .order_by("-publie_le", "-id")
        .values_list("texte", flat=True)[:AVIS_READ_FOR_THEMES]
    )
    departement = proloc.ville.departement
    enseigne = entreprise.enseigne.strip()
    return Faits(
        nom=entreprise.nom.strip(),
        enseigne="" if enseigne.casefold() == entreprise.nom.strip().casefold() else enseigne,
        activite=activite or "",
        sous_categorie=proloc.sous_categorie.visitor_name,
        ville=proloc.ville.nom,
        departement=departement.nom if departement else "",
        annee_creation=entreprise.date_creation.year if entreprise.date_creation else None,
        tranche_effectifs=tranche_label(entreprise.tranche_effectifs),
        etat="active" if entreprise.is_active else "fermée",
        nombre_avis=proloc.nombre_avis,
        note_moyenne=note_text(proloc.note_moyenne) if proloc.nombre_avis else "",
        themes=themes_of(textes),
    )


def _draft_waiting_or_rejected() -> Exists:
    """A draft waits for review, or staff rejected one: the batch leaves the pro alone (staff
    regenerate it from the admin)."""
    return Exists(
        DescriptionGeneree.objects.filter(
            prolocalisation=OuterRef("pk"),
            statut__in=[DescriptionGeneree.Statut.DRAFT, DescriptionGeneree.Statut.REJECTED],
        )
    )


def prolocalisations_without_description(*, limit: int) -> list[int]:
    """Active pro-localisations with no description, no draft waiting for review and none
    rejected; the most reviewed first (their pages are the most read)."""
    return list(
        ProLocalisation.objects.filter(is_active=True, description="")
        .exclude(_draft_waiting_or_rejected())
        .order_by("-nombre_avis", "id")
        .values_list("id", flat=True)[:limit]
    )


def current_approved(*, prolocalisation_id: int) -> DescriptionGeneree | None:
    return DescriptionGeneree.objects.filter(
        prolocalisation_id=prolocalisation_id, statut=DescriptionGeneree.Statut.APPROVED
    ).first()


def approved_maybe_stale(*, limit: int) -> QuerySet[DescriptionGeneree]:
    """Published AI descriptions whose pro-localisation or entreprise was written to since the
    facts were last seen (a new avis, a recount, a SIRENE update): their facts may differ."""
    seen = F("faits_vus_le")
    return (
        DescriptionGeneree.objects.filter(
            statut=DescriptionGeneree.Statut.APPROVED,
            prolocalisation__description_source=ProLocalisation.DescriptionSource.AI,
        )
        .filter(
            Q(prolocalisation__updated_at__gt=seen)
            | Q(
                Exists(
                    Entreprise.objects.filter(
                        pk=OuterRef("prolocalisation__entreprise_id"),
                        updated_at__gt=OuterRef("faits_vus_le"),
                    )
                )
            )
        )
        .exclude(
            Exists(
                DescriptionGeneree.objects.filter(
                    prolocalisation=OuterRef("prolocalisation"),
                    statut=DescriptionGeneree.Statut.DRAFT,
                )
            )
        )
        .order_by("faits_vus_le", "id")[:limit]
    )


def known_places(*, names: set[str]) -> set[str]:
    """Those of `names` (normalised: core.text.normalize_search) that name a commune, a
    département or a région."""
    if not names:
        return set()
    found = set(
        Ville.objects.filter(nom_recherche__in=names).values_list("nom_recherche", flat=True)
    )
    others = [
        *Departement.objects.values_list("nom", flat=True),
        *Region.objects.values_list("nom", flat=True),
    ]
    return found | {normalize_search(name) for name in others} & names
