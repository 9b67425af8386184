"""Staff edit the trade vocabulary in the admin: a synonym added there is read by the search."""

import pytest
from django.contrib.auth import get_user_model

from foxreviews.category.models import MotMetier, NafCode
from foxreviews.category.selectors import trade_vocabulary

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def staff_client(client):
    client.force_login(get_user_model().objects.create_superuser("staff", "staff@example.org"))
    return client


def test_staff_add_a_synonym_and_the_search_understands_it(staff_client):
    couvreurs = NafCode.objects.get(code="43.91B").sous_categorie
    assert "zingueuse" not in trade_vocabulary()
    response = staff_client.post(
        "/admin/category/motmetier/add/", {"terme": "Zingueuse", "sous_categorie": couvreurs.pk}
    )
    assert response.status_code == 302, response.content
    assert MotMetier.objects.get(terme="Zingueuse").sous_categorie == couvreurs
    trade_vocabulary.cache_clear()  # what a minute does in a web process
    assert trade_vocabulary()["zingueuse"].slug == couvreurs.slug


def test_the_vocabulary_pages_of_the_admin(staff_client):
    couvreurs = NafCode.objects.get(code="43.91B").sous_categorie
    page = staff_client.get(f"/admin/category/souscategorie/{couvreurs.pk}/change/")
    assert page.status_code == 200
    assert "Couvreurs" in page.content.decode()  # its visitor name
    assert "couvreur" in page.content.decode()  # a word of its vocabulary
    listing = staff_client.get("/admin/category/motmetier/", {"q": "plombier"})
    assert listing.status_code == 200
    assert "Plombiers, chauffagistes" in listing.content.decode()
