"""The offline writer: 60-120 words whatever the facts, the same text for the same facts,
different sentences for different pros, French that reads right, nothing but the facts."""

import itertools

import pytest

from foxreviews.ai.checker import check
from foxreviews.ai.facts import TRANCHES_EFFECTIFS, Faits, themes_of
from foxreviews.ai.french import a_ville, count_words, elide
from foxreviews.ai.writer import MAX_WORDS, MIN_WORDS, OfflineWriter

LONG_ACTIVITY = (
    "Culture de céréales (à l'exception du riz), de légumineuses et de graines oléagineuses"
)


def facts(**changes) -> Faits:
    base = {
        "nom": "PLOMBERIE DUVAL", "enseigne": "Duval Dépannage", "ville": "Quiberon",
        "departement": "Morbihan", "sous_categorie": "Plombiers, chauffagistes",
        "activite": "Travaux d'installation d'eau et de gaz en tous locaux",
        "annee_creation": 2009, "tranche_effectifs": "3 à 5 salariés", "etat": "active",
        "nombre_avis": 12, "note_moyenne": "4,6", "themes": ("l'accueil", "les prix"),
    }  # fmt: skip
    return Faits(**{**base, **changes})


THEMES = ("la qualité du travail", "la rapidité", "les conseils")


def every_kind_of_pro() -> list[Faits]:
    """Facts from the thinnest (no avis, no year, no size band) to the longest."""
    out = []
    options = itertools.product(
        ["", "Chez Léa"],  # enseigne
        [None, 1987],  # creation
        ["", "aucun salarié", TRANCHES_EFFECTIFS["53"]],
        [(0, ""), (1, "5"), (248, "3,9")],  # avis, note
        ["active", "fermée"],
        ["Lyon", "Le Havre", "Saint-Rémy-de-Provence"],
    )
    for n, (enseigne, year, tranche, (count, note), etat, ville) in enumerate(options):
        out.append(
            facts(
                nom=f"SARL {'LES ARTISANS RÉUNIS DU GRAND OUEST ' if n % 2 else ''}N{n}",
                enseigne=enseigne,
                annee_creation=year,
                tranche_effectifs=tranche,
                nombre_avis=count,
                note_moyenne=note,
                etat=etat,
                ville=ville,
                activite=LONG_ACTIVITY if n % 3 == 0 else "Coiffure",
                themes=THEMES[: n % 4] if count else (),
            )
        )
    return out


def test_every_text_has_60_to_120_words_and_only_facts():
    writer = OfflineWriter()
    lengths = []
    for faits in every_kind_of_pro():
        texte = writer.write(faits)
        lengths.append(count_words(texte))
        assert check(texte, faits, places=lambda names: set()) == [], texte
    assert len(lengths) == 216
    assert min(lengths) >= MIN_WORDS and max(lengths) <= MAX_WORDS, (min(lengths), max(lengths))


def test_the_same_facts_always_read_the_same():
    assert OfflineWriter().write(facts()) == OfflineWriter().write(facts())


def test_two_pros_read_differently():
    writer = OfflineWriter()
    one, other = facts(), facts(nom="BOULANGERIE MARTIN", ville="Dieulefit")
    first, second = writer.compose(one), writer.compose(other)
    assert first.plan != second.plan
    # not only the names: the sentences around them differ
    skeleton = [
        written.texte.replace(f.nom, "N").replace(f.ville, "V")
        for written, f in ((first, one), (second, other))
    ]
    assert skeleton[0] != skeleton[1]
    plans = {writer.compose(facts(nom=f"ENTREPRISE {n}")).plan for n in range(40)}
    assert len(plans) >= 20  # many structures, not one template with blanks


def test_french_elision_and_articles_before_a_commune():
    assert elide("de", "installation") == "d'installation"
    assert elide("de", "pain") == "de pain"
    assert elide("de", "hôtellerie") == "d'hôtellerie"
    assert a_ville("Lyon") == "à Lyon"
    assert a_ville("Le Havre") == "au Havre"
    assert a_ville("Les Sables-d'Olonne") == "aux Sables-d'Olonne"
    assert a_ville("La Rochelle") == "à La Rochelle"
    texts = [OfflineWriter().write(facts(nom=f"N{n}", ville="Le Havre")) for n in range(12)]
    assert not any("à Le Havre" in t or "de a" in t or "de i" in t for t in texts)
    assert any("au Havre" in t for t in texts)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, None), (1, "Un avis publié"), (2, "2 avis publiés")],
)
def test_avis_count_agrees_with_its_noun(count, expected):
    texts = {OfflineWriter().write(facts(nom=f"N{n}", nombre_avis=count)) for n in range(15)}
    if expected is None:
        assert all("note moyenne" not in t and "avis" in t for t in texts)
    else:
        assert any(expected in t or (count == 1 and "premier avis" in t) for t in texts)
        assert all(" 1 avis publiés" not in t for t in texts)


def test_themes_are_what_the_avis_talk_about():
    texts = [
        "Accueil chaleureux, devis clair et prix correct.",
        "Très professionnel, travail soigné ; un peu cher.",
        "Rapide et efficace, bon accueil.",
        "Le tarif annoncé était le bon.",
    ]
    assert themes_of(texts) == ("les prix", "l'accueil", "la qualité du travail")
    assert themes_of([]) == ()
