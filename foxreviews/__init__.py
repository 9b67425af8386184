"""FoxReviews: the French local-business directory built on the SIRENE register."""
