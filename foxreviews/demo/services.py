"""A realistic demo data set built on the real reference data already in the database.

Entreprises in real communes (weighted by population) with real NAF codes (weighted toward the
trades people look for), valid SIRETs, one ProLocalisation each, avis and sponsorisations.
A few fixed ones where the README's first walk through looks (showcase.py).
Deterministic for a seed; loaded once (an ImportLog of type `demo` records it).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from foxreviews.category.models import NafCode
from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.siret import make_siren, make_siret
from foxreviews.demo.showcase import showcase_entreprises
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.imports.models import ImportLog
from foxreviews.imports.services import import_log_finish, import_log_start
from foxreviews.location.models import Ville
from foxreviews.reviews.models import Avis
from foxreviews.reviews.services import prolocalisation_ratings_refresh
from foxreviews.search.services import search_words_add
from foxreviews.sponsorship.models import Sponsorisation
from foxreviews.stats.tasks import refresh_statistics_soon

DEMO_STATUTS = [Avis.Statut.PUBLIE, Avis.Statut.EN_ATTENTE, Avis.Statut.REFUSE]  # 85, 10, 5 %

# The trades visitors look for, with the words their names use; other NAF codes form a tail.
TRADES: dict[str, list[str]] = {
    "56.10A": ["Restaurant", "Bistrot", "Brasserie", "Auberge", "La Table de"],
    "56.10C": ["Pizzeria", "Snack", "Kebab", "Burger"],
    "56.30Z": ["Café", "Bar", "Le Comptoir"],
    "10.71C": ["Boulangerie", "Boulangerie-Pâtisserie", "Au Fournil de"],
    "10.71D": ["Pâtisserie"],
    "47.22Z": ["Boucherie", "Boucherie-Charcuterie"],
    "47.11B": ["Épicerie", "Supérette"],
    "96.02A": ["Coiffure", "Salon de coiffure", "L'Atelier de"],
    "96.02B": ["Institut de beauté", "Esthétique"],
    "43.22A": ["Plomberie", "Plomberie-Chauffage"],
    "43.21A": ["Électricité", "Électricité Générale"],
    "43.32A": ["Menuiserie"],
    "43.34Z": ["Peinture", "Peinture et Décoration"],
    "43.91B": ["Couverture", "Toitures"],
    "45.20A": ["Garage", "Auto Service"],
    "47.73Z": ["Pharmacie"],
    "86.21Z": ["Cabinet médical", "Docteur"],
    "86.23Z": ["Cabinet dentaire"],
    "86.90E": ["Kinésithérapie", "Cabinet de kinésithérapie"],
    "75.00Z": ["Clinique vétérinaire"],
    "68.31Z": ["Immobilier", "Agence immobilière"],
    "55.10Z": ["Hôtel"],
    "93.13Z": ["Salle de sport", "Fitness"],
    "85.53Z": ["Auto-école"],
    "47.76Z": ["Fleurs", "Fleuriste"],
}
AVIS_TEXTS = {
    5: ["Excellent accueil, je recommande vivement.", "Parfait du début à la fin !",
        "Service impeccable et personnel aux petits soins."],
    4: ["Très bien, rien à redire.", "Bonne adresse, prix corrects.",
        "Travail soigné, un peu d'attente."],
    3: ["Correct sans plus.", "Moyen, mais dépanne bien."],
    2: ["Déçu par la prestation.", "Accueil peu aimable."],
    1: ["À éviter.", "Très mauvaise expérience, aucun suivi."],
}  # fmt: skip
BATCH = 2000


def _choose_villes(rng: random.Random, count: int) -> list[tuple]:
    villes = list(
        Ville.objects.filter(population__gt=0).values_list(
            "id", "code_insee", "codes_postaux", "population"
        )
    )
    if not villes:
        raise ApplicationError(
            "No villes in the database: load the reference data first "
            "(python manage.py load_reference_data)."
        )
    return rng.choices(villes, weights=[v[3] for v in villes], k=count)


def _choose_naf(rng: random.Random, count: int) -> list[tuple[str, int]]:
    codes = list(
        NafCode.objects.filter(sous_categorie__isnull=False).values_list(
            "code", "sous_categorie_id"
        )
    )
    if not codes:
        raise ApplicationError(
            "No NAF codes mapped to a sous-catégorie: load the reference data first "
            "(python manage.py load_reference_data)."
        )
    weights = [40 if code in TRADES else 1 for code, _ in codes]
    return rng.choices(codes, weights=weights, k=count)


def _name(rng: random.Random, faker: Faker, naf_code: str) -> str:
    words = TRADES.get(naf_code)
    if not words:
        return faker.company()
    word = rng.choice(words)
    if word.endswith(" de") or word == "Docteur":
        return f"{word} {faker.last_name()}"
    return f"{word} {rng.choice([faker.last_name(), faker.last_name(), faker.first_name()])}"


def _entreprises(rng: random.Random, faker: Faker, count: int, seen: set[str]) -> list[Entreprise]:
    villes = _choose_villes(rng, count)
    nafs = _choose_naf(rng, count)
    result, siren = [], make_siren(rng)
    for (ville_id, code_insee, codes_postaux, _), (naf_code, _) in zip(villes, nafs, strict=True):
        if rng.random() < 0.8:  # most SIRENs have one establishment, some several
            siren = make_siren(rng)
        siret = make_siret(siren, rng)
        while siret in seen:
            siret = make_siret(siren, rng)
        seen.add(siret)
        nom = _name(rng, faker, naf_code)
        result.append(
            Entreprise(
                siret=siret,
                siren=siret[:9],
                nic=siret[9:],
                nom=nom,
                enseigne=nom if rng.random() < 0.6 else "",
                denomination=faker.company().upper(),
                naf_code=naf_code,
                adresse=f"{rng.randint(1, 180)} {faker.street_name()}",
                code_postal=rng.choice(codes_postaux) if codes_postaux else "",
                code_commune=code_insee,
                ville_id=ville_id,
                etat_administratif="F" if rng.random() < 0.1 else "A",
                date_creation=date(1970, 1, 1) + timedelta(days=rng.randrange(0, 20_000)),
                tranche_effectifs=rng.choice(["NN", "00", "01", "02", "03", "11", "12"]),
            )
        )
    return result


@transaction.atomic
def demo_data_load(*, count: int = 3000, seed: int = 42) -> dict[str, int]:
    """Create the demo set once; returns how many rows of each kind were created."""
    if ImportLog.objects.filter(type=ImportLog.Type.DEMO, status=ImportLog.Status.SUCCESS).exists():
        return {"entreprises": 0, "prolocalisations": 0, "avis": 0, "sponsorisations": 0}
    if count < 1:
        raise ApplicationError("The demo data set needs at least one entreprise.")
    log = import_log_start(type=ImportLog.Type.DEMO, source=f"demo seed={seed}")
    rng = random.Random(seed)
    faker = Faker("fr_FR")
    faker.seed_instance(seed)

    naf_to_sous_categorie = dict(
        NafCode.objects.filter(sous_categorie__isnull=False).values_list(
            "code", "sous_categorie_id"
        )
    )
    seen: set[str] = set()
    showcase = showcase_entreprises(
        rng=rng, faker=faker, naf_codes=set(naf_to_sous_categorie), seen=seen, limit=count
    )
    entreprises = Entreprise.objects.bulk_create(
        [e for e, _ in showcase] + _entreprises(rng, faker, count - len(showcase), seen),
        batch_size=BATCH,
    )
    search_words_add(entreprise_ids=[e.id for e in entreprises])  # typos find them at once
    prolocs = ProLocalisation.objects.bulk_create(
        [
            ProLocalisation(
                entreprise=e,
                sous_categorie_id=naf_to_sous_categorie[e.naf_code],
                ville_id=e.ville_id,
                is_active=e.etat_administratif == "A",
            )
            for e in entreprises
        ],
        batch_size=BATCH,
    )

    # the showcase's avis and sponsorisations are its own; the rest are drawn at random
    showcased, drawn = prolocs[: len(showcase)], prolocs[len(showcase) :]
    now = timezone.now()
    avis = [
        Avis(
            prolocalisation=proloc,
            note=note,
            texte=AVIS_TEXTS[note][0],
            auteur_nom=f"{faker.first_name()} {faker.last_name()[0]}.",
            statut=Avis.Statut.PUBLIE,
            date_experience=(now - timedelta(days=30)).date(),
            publie_le=now - timedelta(days=28),
        )
        for proloc, (_, row) in zip(showcased, showcase, strict=True)
        for note in row.notes
    ]
    for proloc in rng.sample(drawn, k=min(len(drawn), max(1, count // 4))):
        for _ in range(rng.randint(1, 6)):
            note = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 12, 7, 6])[0]
            statut = rng.choices(DEMO_STATUTS, [85, 10, 5])[0]
            experience = now - timedelta(days=rng.randint(2, 360))
            avis.append(
                Avis(
                    prolocalisation=proloc,
                    note=note,
                    texte=rng.choice(AVIS_TEXTS[note]),
                    auteur_nom=f"{faker.first_name()} {faker.last_name()[0]}.",
                    statut=statut,
                    date_experience=experience.date(),
                    publie_le=(
                        experience + timedelta(days=rng.randint(1, 2))
                        if statut == Avis.Statut.PUBLIE
                        else None
                    ),
                )
            )
    Avis.objects.bulk_create(avis, batch_size=BATCH)
    prolocalisation_ratings_refresh(prolocalisation_ids=[p.id for p in prolocs])

    sponsorisations = [
        Sponsorisation(
            prolocalisation=proloc,
            date_debut=now - timedelta(days=10),
            date_fin=now + timedelta(days=80),
            montant=Decimal("49.00"),
            is_active=True,
        )
        for proloc, (_, row) in zip(showcased, showcase, strict=True)
        if row.sponsored
    ]
    for proloc in rng.sample(drawn, k=min(len(drawn), max(1, count // 100))):
        start = now - timedelta(days=rng.randint(0, 60))
        end = start + timedelta(days=rng.choice([30, 90]))
        sponsorisations.append(
            Sponsorisation(
                prolocalisation=proloc,
                date_debut=start,
                date_fin=end,
                montant=Decimal(rng.choice(["29.00", "49.00", "99.00"])),
                is_active=end > now,
            )
        )
    Sponsorisation.objects.bulk_create(sponsorisations)

    created = {
        "entreprises": len(entreprises),
        "prolocalisations": len(prolocs),
        "avis": len(avis),
        "sponsorisations": len(sponsorisations),
    }
    import_log_finish(import_log=log, rows_read=count, rows_created=len(entreprises), stats=created)
    refresh_statistics_soon()  # once committed: /api/stats/ counts the demo set
    return created
