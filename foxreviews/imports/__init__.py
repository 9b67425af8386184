"""Ingestion: SIRENE stock files, the INSEE API, CSV/XLSX uploads, and their ImportLog."""
