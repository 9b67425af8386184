"""Shared building blocks: base models, errors, pagination, health checks."""
