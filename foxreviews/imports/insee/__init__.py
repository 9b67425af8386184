"""INSEE's API Sirene: its client, the cluster-wide quota, and the daily sync built on them."""
