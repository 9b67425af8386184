import factory
from django.utils import timezone

from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.reviews.models import Avis


class AvisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Avis

    prolocalisation = factory.SubFactory(ProLocalisationFactory)
    note = 4
    titre = "Très bon accueil, je recommande"
    texte = "Service rapide et soigné ; l'équipe a pris le temps d'expliquer le devis. À refaire."
    auteur_nom = factory.Sequence(lambda n: f"Amélie D. {n}")
    statut = Avis.Statut.PUBLIE
    publie_le = factory.LazyAttribute(
        lambda o: timezone.now() if o.statut == Avis.Statut.PUBLIE else None
    )
    date_experience = factory.LazyFunction(lambda: timezone.localdate())
