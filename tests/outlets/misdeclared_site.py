"""A news site whose outlet file is wrong in every way the registry can be, served on 127.0.0.1.

`build_site(folder)` writes a site directory for `crawler.demo.server.start_demo_site`: two
outlets with the same layout (a WordPress-like French news site) and different articles.

- `misdeclared` declares a feed that answers 404, an `article_pattern` that matches none of its
  article URLs and a body selector that matches nothing; its home page is declared as a listing.
- `undeclared` declares no feed and no sitemap at all (same wrong pattern and body selector).

What the site really offers, as a browser or a search engine would find it: the home page
announces its RSS feed with `<link rel="alternate">`; robots.txt names its sitemap. The feed lists
articles 1-3, the sitemap articles 3-6 and a section page (a listing with an article-like URL).
The home page also links to an "about" page whose URL looks like an article's: the pattern must
keep it out. Texts are generated from sentences written for these tests.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tests.faults.faultsite import FR
from tests.sitemaps import urlset

OUTLETS = ("misdeclared", "undeclared")
WRONG_PATTERN = r"^https?://[^/]+/news/\d+\.html$"
WRONG_BODY = "div.corps-article"
FEED_PATH = "/rss/actualites.xml"
SITEMAP_PATH = "/plan/articles.xml"
LISTING_PATH = "/economie/toute-l-actualite-economique/"
ABOUT_PATH = "/a-propos-de-la-redaction/"
TOPICS = (
    "le port de Tanger Med bat un nouveau record de conteneurs",
    "la région de l'Oriental lance un plan pour l'eau potable",
    "les exportations d'agrumes progressent malgré la sécheresse",
    "Marrakech accueille un salon international de l'artisanat",
    "un nouveau tronçon d'autoroute ouvert entre deux villes du Sud",
    "les universités publiques ouvrent des filières en intelligence artificielle",
)

OUTLETS_TEMPLATE = """\
# Fixture outlets for issue 14: wrong in three ways, or with nothing declared.
[[outlet]]
name = "misdeclared"
title = "Le Courrier du Souss (mal déclaré)"
home = "{base:misdeclared}/"
languages = ["fr"]
domains = ["{host:misdeclared}"]
feeds = ["{base:misdeclared}/feed/"]
listings = ["{base:misdeclared}/"]
article_pattern = 'PATTERN'
[outlet.extraction]
body = "BODY"
[outlet.evidence]
all = "fixture"

[[outlet]]
name = "undeclared"
title = "La Gazette du Rif (rien de déclaré)"
home = "{base:undeclared}/"
languages = ["fr"]
domains = ["{host:undeclared}"]
article_pattern = 'PATTERN'
[outlet.extraction]
body = "BODY"
[outlet.evidence]
all = "fixture"
""".replace("PATTERN", WRONG_PATTERN).replace("BODY", WRONG_BODY)


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    path: str  # /YYYY/MM/DD/slug/
    published: str
    paragraphs: tuple[str, ...]


def slug(text: str) -> str:
    """`Un tronçon d'autoroute` -> `un-troncon-d-autoroute`, as WordPress writes it."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def stories(outlet: str) -> list[Story]:
    """Six articles, their texts different in each outlet."""
    found = []
    for number, topic in enumerate(TOPICS, start=1):
        rng = random.Random(f"{outlet}-{number}")
        sentences = list(FR)
        rng.shuffle(sentences)
        paragraphs = tuple(" ".join(sentences[i : i + 3]) for i in range(0, 9, 3))
        lead = (
            f"{topic[0].upper()}{topic[1:]}, selon les chiffres publiés cette semaine ({number})."
        )
        day = 20 + number
        title = f"{topic[0].upper()}{topic[1:]}"
        found.append(
            Story(
                number,
                title,
                f"/2026/11/{day}/{slug(topic)}/",
                f"2026-11-{day}T10:{number:02d}:00+01:00",
                (lead, *paragraphs),
            )
        )
    return found


def page(title: str, body: str, *, head: str = "", body_class: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f'<title>{title}</title>{head}</head><body class="{body_class}">'
        '<header class="site-header"><a href="{base}/">Accueil</a> '
        '<a href="{base}' + LISTING_PATH + '">Économie</a> '
        '<a href="{base}' + ABOUT_PATH + '">À propos de la rédaction</a></header>'
        f"<main>{body}</main>"
        '<footer class="site-footer">© Rédaction du site. Tous droits réservés.</footer>'
        "</body></html>"
    )


def article_page(story: Story) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in story.paragraphs)
    head = (
        f'<meta property="og:title" content="{story.title}">'
        f'<meta property="article:published_time" content="{story.published}">'
    )
    body = (
        f'<article><h1 class="entry-title">{story.title}</h1>'
        f'<time class="entry-date" datetime="{story.published}">{story.published[:10]}</time>'
        f'<div class="entry-content">{paragraphs}</div>'
        '<div class="share-buttons">Partager sur Facebook · Twitter · WhatsApp</div></article>'
    )
    return page(story.title, body, head=head, body_class="single single-post")


def listing_page(all_stories: list[Story]) -> str:
    items = "".join(
        f'<li><h2><a href="{{base}}{s.path}">{s.title}</a></h2>'
        f'<a href="{{base}}{s.path}">Lire la suite</a></li>'
        for s in all_stories
    )
    body = f'<h1>Économie : toute l\'actualité économique</h1><ul class="posts">{items}</ul>'
    return page("Économie", body, body_class="archive category")


def home_page(all_stories: list[Story]) -> str:
    head = (
        '<link rel="alternate" type="application/rss+xml" title="Actualités" '
        f'href="{{base}}{FEED_PATH}">'
    )
    items = "".join(f'<li><a href="{{base}}{s.path}">{s.title}</a></li>' for s in all_stories)
    body = f'<h1>À la une</h1><ul class="latest">{items}</ul>'
    return page("Accueil", body, head=head, body_class="home")


def feed(chosen: list[Story]) -> str:
    items = "".join(
        f"<item><title>{s.title}</title><link>{{base}}{s.path}</link></item>" for s in chosen
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{items}</channel></rss>'
    )


def sitemap(paths: list[str]) -> str:
    return urlset("{base}" + path for path in paths)


def write(folder: Path, path: str, text: str) -> None:
    target = folder / path.strip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def build_site(folder: Path) -> Path:
    """Write the site directory (both outlets, the outlets template); returns `folder`."""
    for outlet in OUTLETS:
        root, all_stories = folder / outlet, stories(outlet)
        for story in all_stories:
            write(root, story.path, article_page(story))
        write(root, "/", home_page(all_stories))
        write(root, LISTING_PATH, listing_page(all_stories))
        write(root, ABOUT_PATH, page("À propos", "<h1>À propos</h1><p>La rédaction.</p>"))
        write(root, FEED_PATH, feed(all_stories[:3]))
        write(root, SITEMAP_PATH, sitemap([s.path for s in all_stories[2:]] + [LISTING_PATH]))
        robots = "User-agent: *\nDisallow: /admin/\n\nSitemap: {base}" + SITEMAP_PATH + "\n"
        write(root, "/robots.txt", robots)
    (folder / "outlets.toml.tmpl").write_text(OUTLETS_TEMPLATE, encoding="utf-8")
    return folder
