"""The heuristics flag with their reasons and never decide; avis_moderate is the one path of
the API and the admin's bulk actions: who and when, ratings in the same transaction, e-mails."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from foxreviews.enterprise.models import ProLocalisation
from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.reviews.heuristics import text_alerts, text_fingerprint
from foxreviews.reviews.models import Avis
from foxreviews.reviews.services import avis_create, avis_moderate
from foxreviews.reviews.tests.factories import AvisFactory

from .conftest import verified_user

TEXTE = "Une baguette croustillante et un accueil souriant, je reviendrai."


@pytest.mark.parametrize(
    ("texte", "alerts"),
    [
        (TEXTE, []),
        ("Voyez https://concurrent.example pour mieux", ["lien"]),
        ("Allez plutôt chez boulangerie-dupont.fr, bien mieux", ["lien"]),
        ("Écrivez-moi : jean.dupont@mail.fr pour en parler", ["email"]),
        ("Appelez le 06 12 34 56 78 ou le +33 1 23 45 67 89", ["telephone"]),
        ("Numéro 06.12.34.56.78 du patron", ["telephone"]),
        ("ARNAQUE TOTALE, NE VENEZ PAS ICI, JAMAIS", ["majuscules"]),
        ("Très bien, 3 baguettes pour 2,50 € le 12/03", []),  # prices and dates are no phone
        ("SNCF et EDF en grève, mais le pain était là", []),  # a few acronyms are not all caps
    ],
)
def test_text_alerts(texte, alerts):
    assert text_alerts(titre="", texte=texte) == alerts


def test_the_fingerprint_ignores_case_accents_punctuation_and_spacing():
    assert text_fingerprint("Très  BON pain !") == text_fingerprint("tres bon, pain")
    assert text_fingerprint("Très bon pain") != text_fingerprint("Très bon pain frais")


@pytest.mark.django_db
def test_same_text_and_bursts_are_flagged_and_still_wait_for_a_moderator(own_geography):
    lea = verified_user("lea")
    first, second, third = ProLocalisationFactory.create_batch(3)
    today = timezone.localdate()
    AvisFactory(prolocalisation=third, texte=TEXTE.upper(), empreinte=text_fingerprint(TEXTE))
    one = avis_create(auteur=lea, prolocalisation_id=first.pk, note=5, texte=TEXTE,
                      date_experience=today, adresse_ip="203.0.113.7")  # fmt: skip
    tom = verified_user("tom")
    two = avis_create(auteur=lea, prolocalisation_id=second.pk, note=5,
                      texte="Un autre texte, bien à lui, sur un autre commerce.",
                      date_experience=today, adresse_ip="203.0.113.8")  # fmt: skip
    three = avis_create(auteur=tom, prolocalisation_id=second.pk, note=1,
                        texte="Accueil glacial et pain rassis, dommage vraiment.",
                        date_experience=today, adresse_ip="203.0.113.7")  # fmt: skip
    assert one.alertes == ["texte_duplique"]
    assert two.alertes == ["rafale_compte"]
    assert three.alertes == ["rafale_adresse"]
    assert {a.statut for a in (one, two, three)} == {Avis.Statut.EN_ATTENTE}
    # an hour later, no burst
    Avis.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    four = avis_create(auteur=lea, prolocalisation_id=third.pk, note=3,
                       texte="Encore un texte tout neuf pour la troisième adresse.",
                       date_experience=today, adresse_ip="203.0.113.7")  # fmt: skip
    assert four.alertes == []


@pytest.mark.django_db
def test_avis_moderate_in_bulk_records_who_and_when_and_refreshes_each_rating(own_geography):
    staff = verified_user("moderatrice", is_staff=True)
    boulangerie, garage = ProLocalisationFactory.create_batch(2)
    pending = [
        AvisFactory(prolocalisation=boulangerie, note=5, statut=Avis.Statut.EN_ATTENTE),
        AvisFactory(prolocalisation=boulangerie, note=2, statut=Avis.Statut.EN_ATTENTE),
        AvisFactory(prolocalisation=garage, note=3, statut=Avis.Statut.EN_ATTENTE),
    ]
    done = avis_moderate(avis_ids=[a.pk for a in pending], moderateur=staff, decision="approuver")
    assert len(done) == 3
    ratings = dict(
        ProLocalisation.objects.values_list("pk", "note_moyenne").filter(nombre_avis__gt=0)
    )
    assert ratings == {boulangerie.pk: Decimal("3.50"), garage.pk: Decimal("3.00")}
    assert set(Avis.objects.values_list("modere_par", "statut")) == {(staff.pk, "publie")}
    assert all(a.modere_le == a.updated_at == a.publie_le for a in Avis.objects.all())
    avis_moderate(avis_ids=[pending[1].pk], moderateur=staff, decision="refuser",
                  motif_refus="doublon")  # fmt: skip
    assert ProLocalisation.objects.get(pk=boulangerie.pk).note_moyenne == Decimal("5.00")


@pytest.mark.django_db
def test_the_admin_bulk_actions_go_through_avis_moderate(
    client, own_geography, mailoutbox, django_capture_on_commit_callbacks
):
    staff = verified_user("chef", is_staff=True, is_superuser=True)
    lea = verified_user("lea")
    proloc = ProLocalisationFactory(entreprise__nom="Garage Ñuñez")
    good = AvisFactory(prolocalisation=proloc, note=4, statut=Avis.Statut.EN_ATTENTE)
    bad = AvisFactory(prolocalisation=proloc, note=1, auteur=lea, statut=Avis.Statut.EN_ATTENTE)
    client.force_login(staff)
    url = "/admin/reviews/avis/"
    assert client.get(url, {"signale": "1"}).status_code == 200
    assert client.get(f"{url}{bad.pk}/change/").status_code == 200
    response = client.post(url, {"action": "approve", "_selected_action": [good.pk]})
    assert response.status_code == 302
    assert ProLocalisation.objects.get(pk=proloc.pk).nombre_avis == 1
    form = client.post(url, {"action": "refuse", "_selected_action": [bad.pk]})
    assert form.status_code == 200 and "Motif du refus" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"action": "refuse", "_selected_action": [bad.pk],
                                    "motif": "contenu_illicite", "texte": ""})  # fmt: skip
    assert refused.status_code == 302
    bad.refresh_from_db()
    assert (bad.statut, bad.motif_refus, bad.modere_par_id) == ("refuse", "contenu_illicite",
                                                                staff.pk)  # fmt: skip
    [message] = mailoutbox
    assert message.to == ["lea@exemple.fr"]
    assert "Contenu illicite, injurieux, diffamatoire ou haineux" in message.body


@pytest.mark.django_db
def test_an_avis_never_shows_the_authors_address(own_geography):
    proloc, other = ProLocalisationFactory.create_batch(2)
    named = verified_user("jean", nom_affiche="", first_name="Jean", last_name="Dupont")
    bare = verified_user("anonyme", nom_affiche="", first_name="", last_name="")
    today = timezone.localdate()
    shown = [
        avis_create(auteur=user, prolocalisation_id=p.pk, note=4, texte=TEXTE,
                    date_experience=today).auteur_nom
        for user, p in ((named, proloc), (bare, other))
    ]  # fmt: skip
    assert shown == ["Jean D.", "Membre FoxReviews"]


@pytest.mark.django_db(transaction=True)  # two connections must see each other's commits
def test_two_posts_at_once_make_one_avis_and_a_409_naming_it(own_geography):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    from foxreviews.core.exceptions import ApplicationError

    lea = verified_user("lea")
    proloc = ProLocalisationFactory()
    barrier = Barrier(2)

    def post(note: int):
        try:
            barrier.wait()
            return avis_create(auteur=lea, prolocalisation_id=proloc.pk, note=note, texte=TEXTE,
                               date_experience=timezone.localdate()).pk  # fmt: skip
        except ApplicationError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(post, (4, 5)))
    [created] = [r for r in results if isinstance(r, int)]
    [refused] = [r for r in results if not isinstance(r, int)]
    assert (refused.status_code, refused.extra) == (409, {"avis": created})
    assert list(Avis.objects.values_list("pk", flat=True)) == [created]
