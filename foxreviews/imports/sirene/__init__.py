"""SIRENE stock files: reading, validating and loading them at national scale."""
