"""Writes on entreprises and pro-localisations."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from foxreviews.core.exceptions import ApplicationError
from foxreviews.location.models import Ville

from .models import Entreprise
from .validators import siret_error


@transaction.atomic
def entreprise_create(
    *,
    siret: str,
    nom: str,
    naf_code: str = "",
    enseigne: str = "",
    denomination: str = "",
    adresse: str = "",
    code_postal: str = "",
    ville: Ville | None = None,
    etat_administratif: str = Entreprise.Etat.ACTIVE,
    date_creation: date | None = None,
) -> Entreprise:
    siret = (siret or "").replace(" ", "")
    reason = siret_error(siret)
    if reason:
        raise ApplicationError(f"SIRET {siret!r} invalide : {reason}.", extra={"field": "siret"})
    if not nom.strip():
        raise ApplicationError("Le nom de l'entreprise est obligatoire.", extra={"field": "nom"})
    try:
        with transaction.atomic():
            return Entreprise.objects.create(
                siret=siret,
                siren=siret[:9],
                nic=siret[9:],
                nom=nom.strip(),
                enseigne=enseigne,
                denomination=denomination,
                naf_code=naf_code,
                adresse=adresse,
                code_postal=code_postal,
                code_commune=ville.code_insee if ville else "",
                ville=ville,
                etat_administratif=etat_administratif,
                date_creation=date_creation,
            )
    except IntegrityError as exc:
        if "entreprise_siret_uniq" in str(exc):
            raise ApplicationError(
                f"Une entreprise avec le SIRET {siret} existe déjà.", extra={"field": "siret"}
            ) from exc
        raise
