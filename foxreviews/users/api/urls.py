from django.urls import path

from .views import (
    PasswordResetConfirmView,
    PasswordResetView,
    SignupView,
    TokenView,
    VerifyEmailView,
)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/signup/", SignupView.as_view(), name="auth-signup"),
    path("auth/verify-email/", VerifyEmailView.as_view(), name="auth-verify-email"),
    path("auth/password/reset/", PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
]
