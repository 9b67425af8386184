"""The map of France: régions, départements, villes (communes) and their codes postaux."""
