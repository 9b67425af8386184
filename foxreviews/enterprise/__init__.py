"""Entreprises (SIRENE établissements) and the ProLocalisations a visitor sees."""
