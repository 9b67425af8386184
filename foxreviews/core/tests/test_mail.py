"""E-mails: French, a text and an HTML part, one .eml file per message by default."""

import email
from email.policy import default as default_policy
from pathlib import Path

from foxreviews.core.mail import send_email

TEMPLATES = Path(__file__).parent / "templates"


def test_each_message_is_one_eml_file_with_a_text_and_an_html_part(settings, tmp_path):
    settings.EMAIL_BACKEND = "foxreviews.core.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = "https://annuaire.example"
    settings.TEMPLATES = [{**engine, "DIRS": [TEMPLATES]} for engine in settings.TEMPLATES]

    send_email(to=["lea@example.com"], template="bienvenue", context={"nom": "Léa <b>"})
    send_email(to=["tom@example.com"], template="bienvenue", context={"nom": "Tom"})

    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    messages = [email.message_from_bytes(f.read_bytes(), policy=default_policy) for f in files]
    lea = next(m for m in messages if m["To"] == "lea@example.com")
    assert lea["Subject"] == "Bienvenue, Léa <b> !"  # one line, whatever the template's
    assert lea["Content-Language"] == "fr"
    assert lea.get_body(("plain",)).get_content().splitlines() == [
        "Bonjour Léa <b>,",  # a text part: nothing escaped
        "",
        "Votre compte FoxReviews est prêt : https://annuaire.example/",
    ]
    html = lea.get_body(("html",)).get_content()
    assert "<p>Bonjour Léa &lt;b&gt;,</p>" in html  # escaped where rendered
    assert '<a href="https://annuaire.example/">' in html
