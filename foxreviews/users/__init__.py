"""Accounts: the custom User with its role (admin, pro, visitor)."""
