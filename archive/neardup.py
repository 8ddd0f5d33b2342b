"""Near-duplicate clusters: MinHash over word shingles, LSH bands persisted in SQLite.

datasketch computes the MinHash signatures and the LSH banding (b bands of r rows chosen by
`MinHashLSH` for `THRESHOLD`). Instead of datasketch's in-memory tables, every band's key is a row
of `minhash_buckets` and every signature a row of `article_minhashes`, so the index survives
restarts,
costs one indexed lookup per band at ingest, and is shared by every process writing the archive.

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

from archive.search import fold_arabic

NUM_PERM = 128
SHINGLE_WORDS = 3
THRESHOLD = 0.5
MIN_SHINGLES = 8  # shorter texts (a caption, a one-line brief) are not clustered
MAX_CANDIDATES = 50
_WORD = re.compile(r"\w+", re.UNICODE)
_SCHEME = "affine32"


@dataclass(frozen=True)
class Match:
    """The closest earlier article: its id, cluster and estimated Jaccard similarity."""

    article_id: int
    cluster_id: int
    similarity: float


@lru_cache(maxsize=1)
def _lsh_shape() -> tuple[int, int]:
    from datasketch import MinHashLSH  # lazily: datasketch pulls in scipy (~60 MB), exports skip it

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=_SCHEME).permutations


def shingles(text: str) -> set[str]:
    """Word n-grams of the folded text (NFKC, lower case, Arabic marks removed)."""
    words = _WORD.findall(fold_arabic(unicodedata.normalize("NFKC", text)).casefold())
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
    from datasketch import MinHash

    minhash = MinHash(
        num_perm=NUM_PERM, scheme=_SCHEME, permutations=_permutations(), hashfunc=_crc32
    )
    minhash.update_batch(grams)
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def bucket_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per LSH band (the band number is part of the key)."""
    bands, rows = _lsh_shape()
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
    bands, rows = _lsh_shape()
    return {
        "num_perm": NUM_PERM,
        "shingle_words": SHINGLE_WORDS,
        "threshold": THRESHOLD,
        "bands": bands,
        "rows": rows,
    }
