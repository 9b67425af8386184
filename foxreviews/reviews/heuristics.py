"""What may be wrong with an avis, for the moderator to look at: never a decision.

Each check gives an Alerte; the text checks are pure functions, the others one indexed query."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import timedelta

from django.utils import timezone

from .models import Alerte, Avis

LINK = re.compile(
    r"https?://|www\.|\b[\w-]+\.(?:com|fr|net|org|eu|io|be|ch|info|biz|shop|site)\b", re.IGNORECASE
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers (01 23 45 67 89, 06.12.34.56.78, +33 6 12 34 56 78) and long digit runs
PHONE = re.compile(r"(?:(?:\+|00)33[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b|\b\d{10,}\b")
BURST = timedelta(hours=1)
CAPS_MIN_LETTERS = 20
CAPS_SHARE = 0.7


def text_fingerprint(texte: str) -> str:
    """The same words, whatever the case, accents, punctuation and spacing."""
    plain = unicodedata.normalize("NFKD", texte.casefold())
    words = re.findall(r"\w+", "".join(c for c in plain if not unicodedata.combining(c)))
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def text_alerts(*, titre: str, texte: str) -> list[str]:
    whole = f"{titre}\n{texte}"
    alerts = []
    if EMAIL.search(whole):
        alerts.append(Alerte.EMAIL)
    if LINK.search(EMAIL.sub(" ", whole)):  # an address's domain is not a link
        alerts.append(Alerte.LIEN)
    if PHONE.search(whole):
        alerts.append(Alerte.TELEPHONE)
    letters = [c for c in whole if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if len(letters) >= CAPS_MIN_LETTERS and upper >= CAPS_SHARE * len(letters):
        alerts.append(Alerte.MAJUSCULES)
    return [str(a) for a in alerts]


def history_alerts(*, empreinte: str, auteur_id: int | None, adresse_ip: str | None) -> list[str]:
    """Against the avis already stored: the same text elsewhere, another avis from the same
    account or address within the hour."""
    alerts = []
    if Avis.objects.filter(empreinte=empreinte).exists():
        alerts.append(Alerte.TEXTE_DUPLIQUE)
    since = timezone.now() - BURST
    if auteur_id and Avis.objects.filter(auteur_id=auteur_id, created_at__gte=since).exists():
        alerts.append(Alerte.RAFALE_COMPTE)
    if adresse_ip and Avis.objects.filter(adresse_ip=adresse_ip, created_at__gte=since).exists():
        alerts.append(Alerte.RAFALE_ADRESSE)
    return [str(a) for a in alerts]
