"""SIREN/SIRET validation with python-stdnum (Luhn check digits, La Poste exception included)."""

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

_REASONS = {
    stdnum_exceptions.InvalidLength: "doit comporter {n} chiffres",
    stdnum_exceptions.InvalidFormat: "ne doit contenir que des chiffres",
    stdnum_exceptions.InvalidChecksum: "clé de contrôle invalide",
}


def _reason(exc: Exception, digits: int) -> str:
    for kind, text in _REASONS.items():
        if isinstance(exc, kind):
            return text.format(n=digits)
    return "numéro invalide"


def siret_error(value: str) -> str | None:
    """None when valid, else a short French reason (`clé de contrôle invalide`...)."""
    try:
        stdnum_siret.validate(value)
    except stdnum_exceptions.ValidationError as exc:
        return _reason(exc, 14)
    return None


def siren_error(value: str) -> str | None:
    try:
        stdnum_siren.validate(value)
    except stdnum_exceptions.ValidationError as exc:
        return _reason(exc, 9)
    return None


def validate_siret(value: str) -> None:
    reason = siret_error(value)
    if reason:
        raise ValidationError(f"SIRET {value!r} invalide : {reason}.", code="invalid_siret")


def validate_siren(value: str) -> None:
    reason = siren_error(value)
    if reason:
        raise ValidationError(f"SIREN {value!r} invalide : {reason}.", code="invalid_siren")
