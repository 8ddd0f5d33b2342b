"""Near-duplicate clusters: MinHash over word shingles, LSH bands persisted in SQLite.

The signatures are datasketch's `MinHash(num_perm=128, scheme="affine32", hashfunc=crc32)` and the
banding is the (b bands, r rows) that datasketch's `MinHashLSH` chooses for `THRESHOLD`; both are
computed here with numpy alone, because importing datasketch imports scipy (~60 MB and ~0.6 s of
CPU in every crawl process, for one integral computed once).
tests/archive/test_neardup_datasketch.py checks that both are exactly datasketch's.
Instead of datasketch's in-memory tables, every band's key is a row of `minhash_buckets` and every
signature a row of `article_minhashes`, so the index survives restarts, costs one indexed lookup
per band at ingest, and is shared by every process writing the archive.

A new article whose estimated Jaccard similarity (over its shingles) with an earlier article is at
least `THRESHOLD` joins that article's cluster; otherwise it starts its own (cluster_id = its id).
Clusters never merge afterwards: a cluster is "the first article and everything close to a member".
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from archive.search import remove_arabic_marks

NUM_PERM = 128
SHINGLE_WORDS = 3
THRESHOLD = 0.5
MIN_SHINGLES = 8  # shorter texts (a caption, a one-line brief) are not clustered
MAX_CANDIDATES = 50
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Match:
    """The closest earlier article: its id, cluster and estimated Jaccard similarity."""

    article_id: int
    cluster_id: int
    similarity: float


# LSH banding: the (bands, rows) datasketch's MinHashLSH(threshold=0.5, num_perm=128) chooses
# (equal weights of false positives and negatives); tested against datasketch.
LSH_BANDS, LSH_ROWS = 25, 5
# datasketch's MinHash permutations for scheme "affine32": seed 1, odd multipliers.
_PERMUTATION_SEED = 1


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine maps h -> a*h + b (mod 2**32), drawn as datasketch draws them."""
    gen = np.random.RandomState(_PERMUTATION_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: spreads the bits of weak hashes before the affine maps."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def shingles(text: str) -> set[str]:
    """Word n-grams of the folded text (NFKC, lower case, Arabic marks removed)."""
    words = _WORD.findall(remove_arabic_marks(unicodedata.normalize("NFKC", text)).casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _crc32(shingle: str) -> int:
    """The 32-bit hash of a shingle: CRC-32 (C speed, stable across processes and versions)."""
    return zlib.crc32(shingle.encode("utf-8"))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32), or None for a text too short to cluster."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    a, b = _permutations()
    hashed = _fmix32(np.fromiter(map(_crc32, grams), dtype=np.uint32, count=len(grams)))
    permuted = hashed.reshape(-1, 1) * a + b  # uint32 arithmetic wraps: the mod 2**32
    return permuted.min(axis=0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def bucket_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band (the band number is part of the key)."""
    bands, rows = LSH_BANDS, LSH_ROWS
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(
            band.to_bytes(2, "little") + sig[band * rows : (band + 1) * rows].tobytes(),
            digest_size=8,
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def find_match(conn: sqlite3.Connection, sig: np.ndarray) -> Match | None:
    """The most similar earlier article at or above THRESHOLD, if any."""
    keys = bucket_keys(sig)
    marks = ",".join("?" * len(keys))
    candidates = conn.execute(
        f"SELECT m.article_id, m.signature, a.cluster_id FROM article_minhashes m "
        f"JOIN articles a ON a.id = m.article_id WHERE m.article_id IN ("
        f"SELECT article_id FROM minhash_buckets WHERE bucket IN ({marks}) "
        f"GROUP BY article_id ORDER BY count(*) DESC LIMIT {MAX_CANDIDATES})",
        keys,
    ).fetchall()
    best: Match | None = None
    for article_id, blob, cluster_id in candidates:
        score = similarity(sig, np.frombuffer(blob, dtype=np.uint32))
        if score >= THRESHOLD and (best is None or score > best.similarity):
            best = Match(article_id, cluster_id or article_id, score)
    return best


def index_signature(conn: sqlite3.Connection, article_id: int, sig: np.ndarray) -> None:
    """Store an article's signature and band keys."""
    conn.execute(
        "INSERT OR REPLACE INTO article_minhashes (article_id, signature) VALUES (?, ?)",
        (article_id, sig.tobytes()),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO minhash_buckets (bucket, article_id) VALUES (?, ?)",
        [(key, article_id) for key in bucket_keys(sig)],
    )


def lsh_parameters() -> dict[str, float | int]:
    """The parameters in force, for documentation and corpus cards."""
    bands, rows = LSH_BANDS, LSH_ROWS
    return {
        "num_perm": NUM_PERM,
        "shingle_words": SHINGLE_WORDS,
        "threshold": THRESHOLD,
        "bands": bands,
        "rows": rows,
    }
