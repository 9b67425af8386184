"""An entreprise that moves or changes activity shows only where it is now: the import
deactivates the pro-localisations that no longer match, keeping their avis and
sponsorisations, in the stock file and in the simple CSV alike."""

from datetime import timedelta

import pytest
from django.utils import timezone

from foxreviews.enterprise.models import ProLocalisation
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.reviews.models import Avis
from foxreviews.sponsorship.models import Sponsorisation

from .stock_rows import row, siret, write_stock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

BAKERY = siret("12345678")
LYON_1, SAINT_ETIENNE = "69381", "42218"
BOULANGERIE, RESTAURANT = "10.71C", "56.10A"


def _write(fmt: str, path, *, commune: str, naf: str, etat: str = "A"):
    if fmt == "stock":
        return write_stock(
            path,
            [
                row(
                    BAKERY,
                    codeCommuneEtablissement=commune,
                    activitePrincipaleEtablissement=naf,
                    etatAdministratifEtablissement=etat,
                )
            ],
        )
    path.write_text(
        "siret,nom,naf_code,code_commune,etat_administratif\n"
        f"{BAKERY},BOULANGERIE DU COIN,{naf},{commune},{etat}\n",
        encoding="utf-8",
    )
    return path


def _import(fmt, tmp_path, name, **where):
    path = _write(fmt, tmp_path / f"{name}.csv", **where)
    options = BulkImportOptions(progress=False, rejects_path=tmp_path / "rejected.csv")
    return sirene_bulk_import(path=path, options=options).counters


def _state() -> list[tuple[str, str, bool]]:
    """(commune, NAF code, active) of each pro-localisation of BAKERY."""
    return sorted(
        (p.ville.code_insee, p.sous_categorie.naf_codes.get().code, p.is_active)
        for p in ProLocalisation.objects.filter(entreprise__siret=BAKERY).select_related(
            "ville", "sous_categorie"
        )
    )


def _review_and_sponsor(proloc: ProLocalisation) -> None:
    Avis.objects.create(prolocalisation=proloc, note=5, texte="Très bon pain", auteur_nom="Léa",
                        statut=Avis.Statut.PUBLIE, publie_le=timezone.now())  # fmt: skip
    now = timezone.now()
    Sponsorisation.objects.create(
        prolocalisation=proloc, date_debut=now, date_fin=now + timedelta(days=30), montant=90
    )


@pytest.fixture(params=["stock", "simple"])
def fmt(request):
    return request.param


def test_a_move_and_a_new_activity_leave_only_the_current_prolocalisation_active(fmt, tmp_path):
    _import(fmt, tmp_path, "first", commune=LYON_1, naf=BOULANGERIE)
    lyon = ProLocalisation.objects.get(entreprise__siret=BAKERY)
    _review_and_sponsor(lyon)

    counters = _import(fmt, tmp_path, "moved", commune=SAINT_ETIENNE, naf=RESTAURANT)

    assert (counters.updated, counters.prolocalisations_created) == (1, 1)
    assert counters.prolocalisations_deactivated == 1
    assert _state() == [(SAINT_ETIENNE, RESTAURANT, True), ("69123", BOULANGERIE, False)]
    lyon.refresh_from_db()  # kept, with its avis and its sponsorisation
    assert (lyon.avis.count(), lyon.sponsorisations.count()) == (1, 1)


def test_a_move_alone_and_a_new_activity_alone(fmt, tmp_path):
    _import(fmt, tmp_path, "first", commune=LYON_1, naf=BOULANGERIE)
    _import(fmt, tmp_path, "moved", commune=SAINT_ETIENNE, naf=BOULANGERIE)
    assert _state() == [(SAINT_ETIENNE, BOULANGERIE, True), ("69123", BOULANGERIE, False)]
    _import(fmt, tmp_path, "restaurant", commune=SAINT_ETIENNE, naf=RESTAURANT)
    assert _state() == [
        (SAINT_ETIENNE, BOULANGERIE, False),
        (SAINT_ETIENNE, RESTAURANT, True),
        ("69123", BOULANGERIE, False),
    ]


def test_moving_back_reactivates_the_old_prolocalisation(fmt, tmp_path):
    _import(fmt, tmp_path, "first", commune=LYON_1, naf=BOULANGERIE)
    _import(fmt, tmp_path, "moved", commune=SAINT_ETIENNE, naf=BOULANGERIE)
    counters = _import(fmt, tmp_path, "back", commune=LYON_1, naf=BOULANGERIE)
    assert counters.prolocalisations_created == 0
    assert (counters.prolocalisations_activated, counters.prolocalisations_deactivated) == (
        1, 1,
    )  # fmt: skip
    assert _state() == [(SAINT_ETIENNE, BOULANGERIE, False), ("69123", BOULANGERIE, True)]


def test_an_unknown_commune_or_an_unmapped_naf_code_deactivates_everything(fmt, tmp_path):
    _import(fmt, tmp_path, "first", commune=LYON_1, naf=BOULANGERIE)
    _import(fmt, tmp_path, "abroad", commune="", naf=BOULANGERIE)
    assert _state() == [("69123", BOULANGERIE, False)]
    _import(fmt, tmp_path, "back", commune=LYON_1, naf=BOULANGERIE)
    _import(fmt, tmp_path, "unmapped", commune=LYON_1, naf="99.99Z")
    assert _state() == [("69123", BOULANGERIE, False)]


def test_a_closed_entreprise_that_moves_has_no_active_prolocalisation(fmt, tmp_path):
    _import(fmt, tmp_path, "first", commune=LYON_1, naf=BOULANGERIE)
    _import(fmt, tmp_path, "closed", commune=SAINT_ETIENNE, naf=BOULANGERIE, etat="F")
    assert _state() == [(SAINT_ETIENNE, BOULANGERIE, False), ("69123", BOULANGERIE, False)]
