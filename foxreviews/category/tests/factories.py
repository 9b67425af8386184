import factory

from foxreviews.category.models import Categorie, NafCode, SousCategorie


class CategorieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Categorie
        django_get_or_create = ("slug",)

    nom = "Restaurants & cafés"
    slug = "restaurants-cafes"


class SousCategorieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SousCategorie

    categorie = factory.SubFactory(CategorieFactory)
    nom = factory.Sequence(lambda n: f"Sous-catégorie {n}")
    slug = factory.Sequence(lambda n: f"sous-categorie-{n}")


class NafCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NafCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"56.{n % 100:02d}A")
    libelle = factory.LazyAttribute(lambda o: f"Activité {o.code}")
    section = "I"
    division = factory.LazyAttribute(lambda o: o.code[:2])
    sous_categorie = factory.SubFactory(SousCategorieFactory)
