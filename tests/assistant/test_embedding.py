"""The offline embedder: unit vectors, order-independent batching, and the sentence cache."""

import numpy as np

from assistant.embedding import DIMENSIONS, Embedder

TEXTS = [
    "Fiji launched an e-procurement portal.",
    "The Committee of Experts on Public Administration met in New York.",
    "Digital identity underpins online public services in the Republic of Korea.",
    "Fiji launched an e-procurement portal.",
]


def test_vectors_are_unit_length_and_independent_of_the_batch() -> None:
    one_by_one = np.stack([Embedder(batch_size=1).embed([t])[0] for t in TEXTS])
    together = Embedder(batch_size=4).embed(TEXTS)
    assert together.shape == (4, DIMENSIONS)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(one_by_one, together, atol=1e-4)
    assert together[0] @ together[2] < together[0] @ together[3]  # same text, same vector


def _counting(embedder: Embedder) -> list[int]:
    """The sizes of the batches ``embedder`` embeds from now on (what its cache did not hold)."""
    calls: list[int] = []
    real_embed = embedder.embed

    def counting(texts, progress=None):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return real_embed(texts, progress)

    embedder.embed = counting  # type: ignore[method-assign]
    return calls


def test_the_sentence_cache_returns_the_same_vectors_and_stays_bounded() -> None:
    plain = Embedder().embed(TEXTS)
    cached = Embedder(cache_size=2)
    calls = _counting(cached)
    first = cached.embed_cached(TEXTS)
    assert np.allclose(first, plain, atol=1e-5)
    assert calls == [3]  # the repeated sentence is embedded once
    assert len(cached._cache) == 2  # bounded: the oldest entry went
    again = cached.embed_cached(TEXTS[1:3])
    assert np.allclose(again, plain[1:3], atol=1e-5) and calls == [3]  # both still cached
    cached.embed_cached(TEXTS[:1])
    assert calls == [3, 1]  # the evicted one is embedded again
    assert Embedder(cache_size=0).embed_cached(TEXTS[:1]).shape == (1, DIMENSIONS)


def test_a_question_embedded_again_is_read_from_the_cache() -> None:
    """An answer embeds its question to search and again to choose its sentences: the second
    is read from the cache, with the vector the model gives (and a copy: a caller changing it
    changes nothing cached)."""
    plain = Embedder().embed_query(TEXTS[1])
    cached = Embedder(cache_size=8)
    calls = _counting(cached)
    first = cached.embed_query(TEXTS[1])
    first *= 0  # the caller's copy
    second = cached.embed_query(TEXTS[1])
    assert calls == [1]
    assert np.allclose(second, plain, atol=1e-6)
    assert Embedder(cache_size=0).embed_query("").shape == (DIMENSIONS,)
