"""The daily batch: sized to the quota, the pros without a description, again those whose facts
changed since their description; the command runs it by hand."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F

from foxreviews.ai.models import DescriptionGeneree
from foxreviews.ai.services import (
    batch_size,
    batch_spacing,
    description_approve,
    description_generate,
    descriptions_to_write,
)
from foxreviews.ai.tasks import ai_describe_batch
from foxreviews.reviews.services import prolocalisation_ratings_refresh
from foxreviews.reviews.tests.factories import AvisFactory

from .factories import pro

pytestmark = pytest.mark.django_db


def test_the_tasks_run_on_the_ai_queue_of_every_worker():
    from config.celery_app import app
    from foxreviews.runtime.supervisor import celery_queues

    for task in ("foxreviews.ai.tasks.ai_describe", "foxreviews.ai.tasks.ai_describe_batch"):
        assert app.amqp.router.route({}, task)["queue"].name == "ai"
    assert "ai" in celery_queues().split(",")


def test_the_batch_is_sized_to_the_quota(settings):
    assert (settings.AI_RATE, settings.AI_BATCH_MINUTES) == ("5/minute", 60)
    assert (batch_size(), batch_spacing()) == (300, 12.0)
    settings.AI_RATE, settings.AI_BATCH_MINUTES = "120/hour", 90
    assert (batch_size(), batch_spacing()) == (180, 30.0)


def test_the_batch_writes_for_pros_without_a_description(reference_data, settings):
    settings.AI_RATE, settings.AI_BATCH_MINUTES = "2/minute", 1  # a batch of 2
    pros = [pro(nom=f"PLOMBERIE {n}", avis=(5,) * n) for n in (1, 2, 3)]
    with_one = pro(nom="DÉJÀ DÉCRITE")
    with_one.description, with_one.description_source = "Texte saisi.", "manual"
    with_one.save()
    assert ai_describe_batch() == 2
    # the most reviewed first; a draft waiting keeps the next batch away from them
    assert set(DescriptionGeneree.objects.values_list("prolocalisation_id", flat=True)) == {
        pros[2].pk, pros[1].pk,
    }  # fmt: skip
    assert descriptions_to_write(size=10) == [pros[0].pk]


def test_changed_facts_are_written_again(reference_data, staff_user):
    proloc = pro()
    draft = description_generate(prolocalisation_id=proloc.pk)
    description_approve(description_id=draft.pk, user=staff_user)
    # approving wrote to the pro-localisation: its facts are read once, found unchanged
    assert descriptions_to_write(size=5) == []
    draft.refresh_from_db()
    assert draft.faits_vus_le > draft.created_at
    assert descriptions_to_write(size=5) == []

    # the batch saw them yesterday (this test is one transaction: PostgreSQL's now(), which
    # stamps the recount below, is the time it began)
    DescriptionGeneree.objects.filter(pk=draft.pk).update(
        faits_vus_le=F("faits_vus_le") - dt.timedelta(days=1)
    )
    AvisFactory(prolocalisation=proloc, note=1, texte="Trop cher, et en retard.")
    prolocalisation_ratings_refresh(prolocalisation_ids=[proloc.pk])
    assert descriptions_to_write(size=5) == [proloc.pk]
    ai_describe_batch(size=5)
    new = DescriptionGeneree.objects.get(prolocalisation=proloc, statut="draft")
    assert new.faits["nombre_avis"] == 3 and new.empreinte_faits != draft.empreinte_faits
    proloc.refresh_from_db()
    assert proloc.description == draft.texte  # published until staff approve the new one
    description_approve(description_id=new.pk, user=staff_user)
    draft.refresh_from_db()
    assert draft.statut == "superseded"


def test_the_command_runs_a_batch(reference_data, capsys):
    pro(nom="PLOMBERIE DUVAL")
    pro(nom="PLOMBERIE LE GOFF")
    call_command("ai_describe", "--limit", "1")
    assert capsys.readouterr().out == (
        "1 description(s) written, 0 with findings; 1 draft(s) wait for review in the admin.\n"
    )
    assert DescriptionGeneree.objects.count() == 1


def test_the_command_shows_what_an_inventive_api_made_up(reference_data, settings, capsys):
    from .chat_server import ChatApiServer, honest

    def invents(messages):
        return honest(messages) + " Elle dessert Vannes."

    proloc = pro()
    with ChatApiServer(reply=invents) as server:
        settings.AI_API_URL, settings.AI_API_KEY = server.url, server.api_key
        settings.AI_MODEL, settings.AI_RATE = "inventive", "100/minute"
        call_command("ai_describe", "--prolocalisation", str(proloc.pk))
    out, err = capsys.readouterr()
    assert err == f"{proloc.pk}: Lieu absent des faits : « Vannes ».\n"
    assert out.startswith("1 description(s) written, 1 with findings;")
    draft = DescriptionGeneree.objects.get(prolocalisation=proloc)
    assert (draft.fournisseur, draft.modele, draft.verification_ok) == (
        "openai-compatible", "inventive", False,
    )  # fmt: skip
