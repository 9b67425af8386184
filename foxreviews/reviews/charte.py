"""The moderation charter (Code de la consommation L111-7-2, décret 2017-1436): who may post,
what is refused and why, how long moderation takes, how an avis is checked, how to report one.
One text, served by GET /api/avis/charte/ and the page /avis/charte/."""

from __future__ import annotations

from typing import Any

from .models import Avis, MotifRefus, Signalement
from .services import EXPERIENCE_MAX_AGE_DAYS, REPONSE_EDIT_HOURS, TEXTE_MAX, TEXTE_MIN

MODERATION_DELAI_JOURS = 3  # the delay the platform commits to, in working days


def charte() -> dict[str, Any]:
    return {
        "titre": "Charte de modération des avis FoxReviews",
        "version": "2026-11-30",
        "sections": [
            {
                "titre": "Qui peut publier un avis",
                "paragraphes": [
                    "Toute personne qui a un compte FoxReviews dont l'adresse e-mail est vérifiée, "
                    "et qui a eu une expérience personnelle avec l'établissement au cours des "
                    f"{EXPERIENCE_MAX_AGE_DAYS // 30} derniers mois (la date de l'expérience est "
                    "demandée et affichée avec l'avis).",
                    "Un seul avis par compte et par établissement. Un professionnel ne peut pas "
                    "donner son avis sur une entreprise qui lui appartient.",
                    f"Un avis comporte une note de 1 à 5 et un texte de {TEXTE_MIN} à "
                    f"{TEXTE_MAX} caractères ; le titre est facultatif.",
                    "Aucune contrepartie n'est accordée pour publier un avis.",
                ],
            },
            {
                "titre": "Ce qui est refusé, et pourquoi",
                "paragraphes": [
                    "Un avis est refusé pour l'un des motifs suivants ; son auteur en est informé "
                    "par e-mail, avec le motif.",
                ],
                "motifs_de_refus": [
                    {"code": code, "libelle": label} for code, label in MotifRefus.choices
                ],
            },
            {
                "titre": "Délai de modération",
                "paragraphes": [
                    "Chaque avis est lu par un modérateur avant d'être publié, en "
                    f"{MODERATION_DELAI_JOURS} jours ouvrés au plus. Les avis sont publiés du "
                    "plus récent au plus ancien, qu'ils soient positifs ou négatifs ; aucun avis "
                    "n'est modifié par FoxReviews.",
                ],
            },
            {
                "titre": "Comment un avis est vérifié",
                "paragraphes": [
                    "L'auteur a vérifié son adresse e-mail. Des contrôles automatiques signalent "
                    "au modérateur, sans jamais décider à sa place : liens, adresses e-mail ou "
                    "numéros de téléphone dans le texte, texte identique publié ailleurs, "
                    "plusieurs avis d'un même compte ou d'une même adresse en une heure, texte en "
                    "majuscules. Le modérateur décide ; qui a décidé et quand est conservé.",
                    "Chaque avis publié affiche sa date de publication, la date de l'expérience "
                    "et la manière dont il a été vérifié.",
                ],
                "verifications": [
                    {"code": code, "libelle": label} for code, label in Avis.Verification.choices
                ],
            },
            {
                "titre": "Signaler un avis",
                "paragraphes": [
                    "Toute personne connectée peut signaler un avis publié, pour l'un des motifs "
                    "suivants. L'avis signalé retourne en modération ; signalé pour contenu "
                    "illicite ou haineux, il est masqué aussitôt jusqu'à la décision du "
                    "modérateur.",
                ],
                "motifs_de_signalement": [
                    {"code": code, "libelle": label} for code, label in Signalement.Motif.choices
                ],
            },
            {
                "titre": "La réponse du professionnel",
                "paragraphes": [
                    "Le propriétaire de l'entreprise peut répondre publiquement, une fois, à "
                    f"chaque avis ; sa réponse reste modifiable {REPONSE_EDIT_HOURS} heures. "
                    "L'auteur de l'avis en est prévenu par e-mail.",
                ],
            },
        ],
    }
