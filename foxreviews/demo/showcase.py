"""The few demo entreprises placed where the README's first walk through looks.

The random set spreads 3,000 entreprises over France by population: Lyon gets a handful and
no name is chosen, so "boulangrie&ville=69123", "clien d oeil" or the Lyon listing found
nothing. These rows make each example of the README answer what it says it does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from foxreviews.core.siret import make_siren, make_siret
from foxreviews.enterprise.models import Entreprise
from foxreviews.location.models import Ville


@dataclass(frozen=True)
class ShowcaseRow:
    code_insee: str
    code_postal: str
    naf_code: str
    nom: str
    enseigne: str
    notes: tuple[int, ...]  # approved avis
    sponsored: bool = False


# Lyon's boulangeries: the listing's example (a sponsored one first, then the best rated),
# "boulangrie&ville=69123" and "boulangerie lemaitre lyon" (by name and by code).
SHOWCASE: tuple[ShowcaseRow, ...] = (
    ShowcaseRow("69123", "69004", "10.71C", "Au Fournil de la Croix-Rousse",
                "Au Fournil de la Croix-Rousse", (), sponsored=True),
    ShowcaseRow("69123", "69003", "10.71C", "Boulangerie Lemaître", "Boulangerie Lemaître",
                (5, 5, 4)),
    ShowcaseRow("69123", "69002", "10.71C", "Boulangerie Bellecour", "", (4, 3)),
    ShowcaseRow("69123", "69006", "10.71C", "SARL Lemaître", "", (4,)),
    ShowcaseRow("69123", "69003", "96.02A", "Clin d'Œil", "Clin d'Œil", (5, 4)),
    ShowcaseRow("69123", "69001", "56.10A", "Bouchon des Canuts", "Bouchon des Canuts", (5, 4)),
    ShowcaseRow("59350", "59000", "56.10A", "Estaminet du Vieux-Lille", "", (4,)),
    ShowcaseRow("13055", "13008", "56.10C", "Pizzeria du Prado", "Pizzeria du Prado", (3,)),
    ShowcaseRow("75056", "75011", "43.22A", "Plomberie Oberkampf", "Plomberie Oberkampf", (5,)),
    ShowcaseRow("56186", "56170", "43.22A", "Plomberie de la Presqu'île", "", (4,)),
    ShowcaseRow("54395", "54000", "96.02A", "Salon de coiffure Stanislas",
                "Salon de coiffure Stanislas", (5,)),
    ShowcaseRow("57463", "57000", "96.02A", "Coiffure Nancy", "Coiffure Nancy", ()),
)  # fmt: skip


def showcase_entreprises(
    *, rng: random.Random, faker: Faker, naf_codes: set[str], seen: set[str], limit: int
) -> list[tuple[Entreprise, ShowcaseRow]]:
    """The showcase rows whose commune and NAF code are in the database, at most `limit`."""
    villes = dict(
        Ville.objects.filter(code_insee__in={row.code_insee for row in SHOWCASE}).values_list(
            "code_insee", "id"
        )
    )
    result = []
    for row in SHOWCASE:
        if len(result) >= limit or row.code_insee not in villes or row.naf_code not in naf_codes:
            continue
        siret = make_siret(make_siren(rng), rng)
        while siret in seen:
            siret = make_siret(make_siren(rng), rng)
        seen.add(siret)
        entreprise = Entreprise(
            siret=siret,
            siren=siret[:9],
            nic=siret[9:],
            nom=row.nom,
            enseigne=row.enseigne,
            denomination=faker.company().upper(),
            naf_code=row.naf_code,
            adresse=f"{rng.randint(1, 180)} {faker.street_name()}",
            code_postal=row.code_postal,
            code_commune=row.code_insee,
            ville_id=villes[row.code_insee],
            etat_administratif="A",
            date_creation=date(1990, 1, 1),
            tranche_effectifs="01",
        )
        result.append((entreprise, row))
    return result
