"""Avis: visitors' reviews of a ProLocalisation, and their moderation."""
