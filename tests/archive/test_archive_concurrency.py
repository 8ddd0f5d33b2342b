"""WAL: a reader (datasette's mode=ro connection, or Archive(readonly=True)) works while a crawl
process writes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO

from archive.db import Archive

WRITER = """
import sys
from archive.db import Archive
from archive.models import Article
with Archive(sys.argv[1]) as archive:
    for batch in range(int(sys.argv[2])):
        archive.add_many(
            Article(url=f"https://w.example/{batch}/{i}", title=f"Article {batch}-{i}",
                    text=f"Texte numéro {batch} {i}. " * 40, outlet="w", language="fr")
            for i in range(50)
        )
        print(batch, flush=True)
"""


def test_reader_reads_while_writer_inserts(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    Archive(path).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "40"], env=env, stdout=subprocess.PIPE, text=True
    )
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # as datasette opens it
    counts = []
    try:
        assert writer.stdout is not None
        writer.stdout.readline()  # the first batch is committed
        reader.execute("BEGIN")  # a long read transaction does not block the writer
        snapshot = reader.execute("SELECT count(*) FROM articles").fetchone()[0]
        time.sleep(0.3)
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == snapshot
        reader.execute("COMMIT")
        while writer.poll() is None:
            counts.append(reader.execute("SELECT count(*) FROM articles").fetchone()[0])
            with Archive(path, readonly=True) as archive:
                archive.search("numéro")
            time.sleep(0.02)
        assert writer.wait(timeout=60) == 0
    finally:
        writer.kill()
        reader.close()
    assert counts == sorted(counts)
    assert len(set(counts)) > 2, counts  # the reader saw the archive grow while it was written
    with Archive(path, readonly=True) as archive:
        assert archive.count() == 40 * 50
