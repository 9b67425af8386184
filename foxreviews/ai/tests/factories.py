"""Pro-localisations of the real reference data (communes, NAF codes, sous-catégories) with the
facts a description is written from."""

import datetime as dt

from foxreviews.category.models import NafCode
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.enterprise.tests.factories import EntrepriseFactory, ProLocalisationFactory
from foxreviews.location.models import Ville
from foxreviews.reviews.services import prolocalisation_ratings_refresh
from foxreviews.reviews.tests.factories import AvisFactory


def pro(
    *,
    nom: str = "PLOMBERIE DUVAL",
    enseigne: str = "Duval Dépannage",
    ville: str = "Quiberon",
    naf: str = "43.22A",
    creation: dt.date | None = dt.date(2009, 3, 14),
    tranche: str = "02",
    avis: tuple[int, ...] = (5, 4),
    texte_avis: str = "Très bon accueil, travail soigné et devis respecté.",
) -> ProLocalisation:
    """A pro-localisation (needs the `reference_data` fixture) and its published avis."""
    place = Ville.objects.filter(nom=ville).order_by("-population").first()
    code = NafCode.objects.select_related("sous_categorie").get(code=naf)
    entreprise = EntrepriseFactory(
        nom=nom, enseigne=enseigne, ville=place, naf_code=naf, date_creation=creation,
        tranche_effectifs=tranche,
    )  # fmt: skip
    proloc = ProLocalisationFactory(entreprise=entreprise, sous_categorie=code.sous_categorie)
    for note in avis:
        AvisFactory(prolocalisation=proloc, note=note, texte=texte_avis)
    prolocalisation_ratings_refresh(prolocalisation_ids=[proloc.pk])
    proloc.refresh_from_db()
    return proloc
