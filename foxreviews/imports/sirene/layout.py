"""The file layouts the bulk import reads.

INSEE's StockEtablissement (53 columns, and 54 since 2025-12-16 with
activitePrincipaleNAF25Etablissement last) and StockUniteLegale, from INSEE's "dessin de
fichier" 3.11 (copied in tests/fixtures/sirene-stock-layout/ with its provenance); and the
platform's own simple CSV.
"""

from __future__ import annotations

STOCK_ETABLISSEMENT_COLUMNS = (
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement", "libelleVoieEtablissement", "codePostalEtablissement",
    "libelleCommuneEtablissement", "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement", "codeCommuneEtablissement", "codeCedexEtablissement",
    "libelleCedexEtablissement", "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement", "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement",
    "complementAdresse2Etablissement", "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement", "typeVoie2Etablissement", "libelleVoie2Etablissement",
    "codePostal2Etablissement", "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
)  # fmt: skip
NAF25_COLUMN = "activitePrincipaleNAF25Etablissement"
# The legal unit's names, as INSEE's API Sirene gives them with each établissement (and its CSV
# export carries them as columns): the legal name without a separate StockUniteLegale file.
UNITE_LEGALE_NAME_COLUMNS = (
    "denominationUniteLegale", "nomUniteLegale", "nomUsageUniteLegale", "prenom1UniteLegale",
)  # fmt: skip

STOCK_UNITE_LEGALE_COLUMNS = (
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale",
    "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale", "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale",
    "categorieEntreprise", "anneeCategorieEntreprise", "dateDebut",
    "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
    "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
)  # fmt: skip

# The platform's own simple CSV: siret and nom required, the rest optional.
SIMPLE_REQUIRED = ("siret", "nom")
SIMPLE_OPTIONAL = (
    "enseigne", "naf_code", "adresse", "complement_adresse", "code_postal", "code_commune",
    "ville", "etat_administratif", "date_creation", "tranche_effectifs",
)  # fmt: skip
