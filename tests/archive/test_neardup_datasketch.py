"""archive/neardup.py computes datasketch's MinHash and LSH band shape with numpy alone (datasketch
imports scipy); these tests pin both to datasketch itself, so existing archives' signatures and
bucket keys stay valid."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from archive import neardup

PAGES = Path(__file__).parents[1] / "extract" / "pages"


def _datasketch_signature(text: str) -> np.ndarray:
    minhash = MinHash(
        num_perm=neardup.NUM_PERM,
        scheme="affine32",
        hashfunc=lambda shingle: zlib.crc32(shingle.encode("utf-8")),
    )
    minhash.update_batch(neardup.shingles(text))
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(PAGES.rglob("*.html"))]
    texts += ["Le roi a présidé mardi à Rabat un conseil des ministres consacré à l'eau " * 3]
    texts += ["أعلنت الحكومة المغربية اليوم عن برنامج وطني جديد لدعم تشغيل الشباب في الجهات " * 2]
    return texts


def test_signatures_are_datasketch_minhash() -> None:
    texts = _texts()
    assert len(texts) > 10
    for text in texts:
        ours = neardup.signature(text)
        assert ours is not None
        assert ours.dtype == np.uint32
        assert np.array_equal(ours, _datasketch_signature(text)), text[:80]


@pytest.mark.parametrize("text", ["", "trop court", "un deux trois quatre cinq six sept"])
def test_short_texts_have_no_signature(text: str) -> None:
    assert neardup.signature(text) is None


def test_band_shape_is_datasketch_lsh_choice() -> None:
    lsh = MinHashLSH(threshold=neardup.THRESHOLD, num_perm=neardup.NUM_PERM)
    assert (lsh.b, lsh.r) == (neardup.LSH_BANDS, neardup.LSH_ROWS)
