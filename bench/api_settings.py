"""The production settings, plus the baseline routes of bench/api_baseline.py."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "api_baseline"
SECURE_SSL_REDIRECT = False  # plain HTTP on loopback: no proxy terminates TLS here
