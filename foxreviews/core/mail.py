"""The platform's e-mails: French, a text and an HTML part, rendered from templates, sent
through Django's e-mail framework (SMTP, an e-mail provider, or one .eml file per message)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import uuid4

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

logger = structlog.get_logger(__name__)


def send_email(*, to: Sequence[str], template: str, context: dict[str, Any]) -> None:
    """Send `emails/<template>` to `to`: its subject from `<template>_subject.txt` (one line),
    its body from `<template>.txt` and `<template>.html`, all rendered in French."""
    context = {"site_name": "FoxReviews", "site_url": settings.SITE_URL, **context}
    with translation.override("fr"):
        text_engine = engines["text"]  # no HTML escaping in a subject or a text part
        subject = text_engine.get_template(f"emails/{template}_subject.txt").render(context)
        text = text_engine.get_template(f"emails/{template}.txt").render(context)
        html = render_to_string(f"emails/{template}.html", context)
    subject = " ".join(subject.split())  # one line, however the template wraps it
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=list(to), headers={"Content-Language": "fr"}
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_email_on_commit(*, to: str, template: str, context: dict[str, Any]) -> None:
    """send_email() once the caller's transaction commits; one that fails is logged, and what
    the transaction decided stands."""

    def send() -> None:
        try:
            send_email(to=[to], template=template, context=context)
        except Exception as exc:
            logger.error("e-mail not sent", template=template, error=str(exc)[:200])

    transaction.on_commit(send)


class EmlFileBackend(BaseEmailBackend):
    """Each message written as one .eml file under EMAIL_FILE_PATH (what a mail client opens),
    where Django's file backend appends every message of a connection to one .log file."""

    def __init__(self, *, file_path: str | None = None, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = self.directory / f"{uuid4().hex}.eml"
            partial = name.with_suffix(".part")  # a reader never sees half a message
            partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
            partial.rename(name)
            sent += 1
        return sent
