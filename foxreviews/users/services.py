"""Writes on users: the platform administrator, sign-up, e-mail verification, password reset.

Accounts stand on django-allauth's public API: its EmailAddress (verified or not, one verified
address per account), its signed confirmation keys (EmailConfirmationHMAC) and its password
reset token generator. E-mails leave after the commit, in French, through core.mail."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import filter_users_by_email, url_str_to_user_pk, user_pk_to_url_str
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.mail import send_email_on_commit

from .models import User


@transaction.atomic
def admin_user_ensure(*, username: str, password: str, email: str = "") -> tuple[User, bool]:
    """Create the platform administrator if missing, else reset its password; (user, created)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": email, "is_staff": True, "is_superuser": True, "role": User.Role.ADMIN},
    )
    user.is_staff = user.is_superuser = user.is_active = True
    user.role = User.Role.ADMIN
    user.set_password(password)
    user.save()
    return user, created


def _password_errors(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(
            f"Mot de passe refusé : {' '.join(exc.messages)}",
            {"fields": {"password": list(exc.messages)}},
        ) from None


def account_signup(*, email: str, password: str, nom_affiche: str) -> User | None:
    """A visitor's account (its username is its address), not verified until the key sent to
    the address comes back. An address already taken gets an e-mail saying so and the same
    answer as a new one (nobody learns who has an account); None then."""
    email = email.strip().lower()
    nom_affiche = " ".join(nom_affiche.split())
    candidate = User(username=email, email=email, nom_affiche=nom_affiche)
    _password_errors(password, candidate)
    taken = (
        User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )
    if not taken:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=email, email=email, password=password, nom_affiche=nom_affiche
                )
                address = EmailAddress.objects.create(
                    user=user, email=email, primary=True, verified=False
                )
                send_email_on_commit(
                    to=email,
                    template="account_verification",
                    context={"nom": nom_affiche, "key": EmailConfirmationHMAC(address).key},
                )
            return user
        except IntegrityError:  # the same address signing up twice at once
            pass
    send_email_on_commit(to=email, template="account_exists", context={"email": email})
    return None


def account_verify_email(*, key: str, request: HttpRequest | Request) -> EmailAddress:
    """The key of a verification e-mail marks its address verified."""
    confirmation = EmailConfirmationHMAC.from_key(key)
    address = confirmation.confirm(request) if confirmation is not None else None
    if address is None:
        raise ApplicationError(
            "Clé de vérification invalide, expirée ou déjà utilisée.", {"reason": "invalid_key"}
        )
    return address


def password_reset_request(*, email: str) -> None:
    """A reset key to each active account of the address; the same answer when none has it."""
    for user in filter_users_by_email(email.strip(), is_active=True, prefer_verified=True):
        key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
        send_email_on_commit(
            to=user.email, template="password_reset", context={"nom": user.nom_affiche, "key": key}
        )


def password_reset_confirm(*, key: str, password: str) -> User:
    """The key of a reset e-mail sets a new password, once; the account's API tokens go, and
    its address counts as verified (the key came through it)."""
    invalid = ApplicationError(
        "Clé de réinitialisation invalide, expirée ou déjà utilisée.", {"reason": "invalid_key"}
    )
    uid, _, token = key.partition("-")
    try:
        user = User.objects.get(pk=url_str_to_user_pk(uid), is_active=True)
    except (ValueError, OverflowError, User.DoesNotExist):
        raise invalid from None
    if not default_token_generator.check_token(user, token):
        raise invalid
    _password_errors(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        Token.objects.filter(user=user).delete()
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None:
            address.set_verified()
    return user
