"""Sponsorisation: paid placement of a ProLocalisation for a period, which expires."""
