"""`manage.py ai_describe`: the daily batch by hand, or one pro-localisation, in this process."""

from django.core.management.base import BaseCommand, CommandError

from foxreviews.ai.models import DescriptionGeneree
from foxreviews.ai.services import batch_size, description_generate, descriptions_to_write
from foxreviews.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Writes descriptions for the pro-localisations without one (and again for those whose "
        "facts changed), as drafts for staff to review in the admin."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--limit", type=int, default=None, help="how many (default: the batch's size)"
        )
        parser.add_argument("--prolocalisation", type=int, help="this pro-localisation only")

    def handle(self, *args, limit: int | None, prolocalisation: int | None, **options) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more.")
        ids = (
            [prolocalisation]
            if prolocalisation
            else descriptions_to_write(size=limit or batch_size())
        )
        written = flagged = 0
        for prolocalisation_id in ids:
            try:
                draft = description_generate(prolocalisation_id=prolocalisation_id)
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
            if draft is None:
                continue
            written += 1
            if not draft.verification_ok:
                flagged += 1
                self.stderr.write(f"{prolocalisation_id}: {' '.join(draft.constats)}")
        waiting = DescriptionGeneree.objects.filter(statut=DescriptionGeneree.Statut.DRAFT)
        self.stdout.write(
            f"{written} description(s) written, {flagged} with findings; "
            f"{waiting.count()} draft(s) wait for review in the admin."
        )
