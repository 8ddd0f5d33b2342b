"""Fixtures for archive tests: real SQLite files in tmp_path and a few real-looking articles."""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import Popen

import pytest

from archive.db import Archive
from archive.models import Article

REPO = Path(__file__).resolve().parents[2]

AI_TEXT = (
    "Le Maroc accueille un nouveau centre de recherche en intelligence artificielle à Benguerir.\n"
    "Les chercheurs travailleront sur la santé, l'agriculture et le traitement des langues, "
    "dont l'arabe et l'amazighe, avec un calculateur installé sur le campus.\n"
    "Des bourses doctorales seront ouvertes aux étudiants des universités publiques."
)
WATER_TEXT = (
    "Le taux de remplissage des barrages s'établit à 28,4 % ce jeudi, en baisse sur un an.\n"
    "Les réserves atteignent 4,6 milliards de mètres cubes après un automne sec, et les autorités "
    "appellent à rationaliser la consommation d'eau potable dans les grandes villes."
)
AR_TEXT = (
    "فاز المنتخب الوطني المغربي لكرة القدم مساء السبت على نظيره الغابوني بثلاثة أهداف مقابل هدف "
    "واحد في المباراة التي احتضنها الملعب الكبير بمدينة طنجة ضمن التصفيات المؤهلة لكأس العالم."
)


def article(**overrides: object) -> Article:
    values: dict[str, object] = {
        "url": "https://lematin.example/ia-benguerir",
        "title": "Intelligence artificielle : un centre de recherche à Benguerir",
        "text": AI_TEXT,
        "outlet": "lematin",
        "language": "fr",
        "published": "2025-02-07T22:34:00+01:00",
        "authors": ("Samira Alaoui",),
        "canonical_url": "https://lematin.example/ia-benguerir",
        "section": "Technologie",
        "tags": ("IA", "recherche"),
    }
    values.update(overrides)
    return Article(**values)  # type: ignore[arg-type]


def sample_articles() -> list[Article]:
    """Three outlets, two languages, one exact copy at another URL, one aggregator copy."""
    return [
        article(),
        article(url="https://lematin.example/ia-benguerir?utm_source=x"),  # same text
        article(url="https://agg.example/a/1", outlet="aggregator", original_outlet="lematin",
                source_url="https://lematin.example/ia-benguerir",
                canonical_url="https://agg.example/a/1",
                text="Source : Le Matin\n" + AI_TEXT + "\n(Avec MAP)",
                published="2025-02-08T09:00:00+00:00"),
        article(url="https://h24.example/eau", canonical_url=None, outlet="h24",
                title="Barrages : le taux de remplissage recule", text=WATER_TEXT,
                published="2025-03-01T08:00:00Z", authors=(), tags=(), section=None),
        article(url="https://hespress.example/ar/1", canonical_url=None, outlet="hespress-ar",
                title="المنتخب المغربي يفوز على الغابون", text=AR_TEXT, language="ar",
                published="2025-03-15T20:00:00+00:00", authors=(), tags=("رياضة",)),
    ]  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.db") as opened:
        yield opened


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.db") as opened:
        opened.add_many(sample_articles())
        yield opened


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


@contextmanager
def serving(
    path: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Popen[str], Path]]:
    """`python -m crawler.cli.archive serve` on `path`: (base URL, process, its stderr in a file),
    stopped on exit. A file, not a pipe: a full pipe would block datasette."""
    port = free_port()
    log = path.parent / f"serve-{port}.log"
    with log.open("w") as stderr:
        process = Popen(
            [sys.executable, "-m", "crawler.cli.archive", "serve", "--archive", str(path),
             "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})}, stderr=stderr, text=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                get(base + "/-/versions.json")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("datasette did not start")
        yield base, process, log
    finally:
        process.terminate()
        process.wait(timeout=10)
