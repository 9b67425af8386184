import factory

from foxreviews.users.models import User

PASSWORD = "mot-de-passe-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utilisateur-{n}")
    first_name = "Hélène"
    last_name = "Lefèvre-Dubois"
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.fr")
    role = User.Role.VISITOR
    password = factory.django.Password(PASSWORD)
