"""The fact check: a text with a number, a date, a place or a name the facts do not hold is
never published; the places are the real communes, départements and régions."""

import pytest

from foxreviews.ai.services import description_findings
from foxreviews.ai.writer import OfflineWriter

from .test_writer import facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def honest_text():
    return OfflineWriter().write(facts())


def test_the_offline_text_has_no_finding(reference_data, honest_text):
    assert description_findings(texte=honest_text, faits=facts()) == []


@pytest.mark.parametrize(
    ("invented", "finding"),
    [
        ("Fondée en 1987, elle a bonne réputation.", "Nombre absent des faits : « 1987 »."),
        ("Elle emploie 25 salariés.", "Nombre absent des faits : « 25 »."),
        ("Elle emploie quinze salariés.", "Nombre absent des faits : « quinze »."),
        ("Elle intervient aussi à Vannes.", "Lieu absent des faits : « Vannes »."),
        ("Marseille lui doit beaucoup.", "Lieu absent des faits : « Marseille »."),
        ("Elle dessert Saint-Pierre-Quiberon.",
         "Lieu absent des faits : « Saint-Pierre-Quiberon »."),
        ("Elle dépanne dans le Finistère.", "Lieu absent des faits : « Finistère »."),
        ("Elle a ouvert en mars.", "Date absente des faits (mois) : « mars »."),
        ("Son gérant, Jean Kerbrat, vous accueille.", "Nom propre absent des faits : « Jean »."),
        ("Elle a obtenu la note de 4,8 sur 5.", "Nombre absent des faits : « 4,8 »."),
    ],
)  # fmt: skip
def test_an_invented_fact_is_a_finding(reference_data, honest_text, invented, finding):
    found = description_findings(texte=f"{honest_text} {invented}", faits=facts())
    assert found[0] == finding, found


def test_names_and_places_of_the_facts_are_allowed(reference_data):
    texte = (
        "À Quiberon, dans le Morbihan, PLOMBERIE DUVAL (enseigne Duval Dépannage) compte 3 à 5 "
        "salariés depuis 2009 ; 12 avis lui donnent 4,6 sur 5. " + "Elle répare les fuites. " * 9
    )
    assert description_findings(texte=texte, faits=facts()) == []


def test_too_short_or_too_long_is_a_finding(reference_data):
    found = description_findings(texte="PLOMBERIE DUVAL répare les fuites.", faits=facts())
    assert found == ["Longueur : 5 mots (attendu : 60 à 120)."]


def test_no_offline_text_names_a_place_or_number_the_facts_do_not_hold(reference_data):
    from .test_writer import every_kind_of_pro

    for faits in every_kind_of_pro()[::5]:
        texte = OfflineWriter().write(faits)
        assert description_findings(texte=texte, faits=faits) == [], texte
