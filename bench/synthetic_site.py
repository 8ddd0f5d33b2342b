"""A synthetic news site for the crawl benchmark: generated once, served by a separate process.

Pages are ~100 KB like real outlet pages (medias24, hespress): inline CSS and scripts, a nav of
sections, a news ticker, the article, a share menu, related-article cards, a "most read" block,
reader comments and a footer. Articles are French, Arabic and English (45/35/20 %), built from
common words of each language so langdetect and trafilatura do real work. The site has
robots.txt, a sitemap index with one sub-sitemap per language and 500 URLs, and an RSS feed.

Everything is deterministic for a (pages, seed): the files are written once under a cache
directory and reused. `serve` answers from those files with a small asyncio HTTP/1.1 server
(keep-alive, no per-request Python objects beyond the parse) in its own process, so the
server's CPU is not the measured process's CPU, and `SiteServer` reports what it used.

    python -m bench.synthetic_site --pages 2000 --serve      # generate, then serve until ^C
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import json
import random
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.site_server import SiteServer

GENERATOR_VERSION = 1
DEFAULT_PAGES = 2000
SITEMAP_SIZE = 500
FEED_SIZE = 100
LANGS = (("fr", 45), ("ar", 35), ("en", 20))
SECTIONS = ("politique", "economie", "societe", "sport", "culture", "monde", "regions", "tech")
FR = (  # noqa: SIM905  (a word list reads better as prose)
    "le la les un une des du de et en dans pour sur avec par au aux ce cette ces qui que dont "
    "est sont a ont été être avoir fait plus moins très aussi mais ou donc car ainsi selon "
    "gouvernement ministre pays ville région projet économie marché entreprise banque croissance "
    "année mois semaine jour premier dernier nouveau grand petit public national international "
    "développement investissement production secteur emploi jeunes femmes enfants école santé "
    "hôpital eau agriculture tourisme port route train énergie solaire prix hausse baisse taux "
    "millions milliards dirhams partenariat accord signé annoncé déclaré selon source officielle "
    "conseil réunion séance parlement loi réforme budget finances rapport étude données chiffres "
    "Maroc Rabat Casablanca Tanger Marrakech Agadir Fès royaume africain européen mondial"
).split()
EN = (  # noqa: SIM905  (a word list reads better as prose)
    "the a an of to in and for on with by from at as is are was were be been has have had "
    "that which who this these those it its their they he she but or not more less very also "
    "government minister country city region project economy market company bank growth year "
    "month week day first last new large small public national international development "
    "investment production sector jobs young women children school health hospital water "
    "agriculture tourism port road train energy solar price rise fall rate million billion "
    "partnership agreement signed announced said according official council meeting parliament "
    "law reform budget finance report study data figures Morocco Rabat Casablanca kingdom African"
).split()
AR = (  # noqa: SIM905  (a word list reads better as prose)
    "في من على إلى عن مع أن التي الذي هذا هذه كان كانت قد لم لا ما هو هي بين بعد قبل خلال حتى "
    "الحكومة الوزير المغرب المملكة المدينة الجهة المشروع الاقتصاد السوق الشركة البنك النمو السنة "
    "الشهر الأسبوع اليوم الأول الأخير الجديد الكبير العام الوطني الدولي التنمية الاستثمار الإنتاج "
    "القطاع الشغل الشباب النساء الأطفال المدرسة الصحة المستشفى الماء الفلاحة السياحة الميناء "
    "الطريق القطار الطاقة الشمسية الأسعار ارتفاع انخفاض نسبة مليون مليار درهم شراكة اتفاقية "
    "وقع أعلن قال حسب مصدر رسمي المجلس اجتماع البرلمان القانون إصلاح الميزانية المالية تقرير "
    "دراسة معطيات الرباط الدار البيضاء طنجة مراكش أكادير فاس الإفريقي الأوروبي العالمي"
).split()
WORDS = {"fr": FR, "en": EN, "ar": AR}
CHROME = {  # labels of the page furniture, per language
    "fr": (
        "À la une",
        "Lire aussi",
        "Les plus lus",
        "Commentaires",
        "Partager",
        "Tous droits réservés",
    ),
    "en": ("Breaking", "Read also", "Most read", "Comments", "Share", "All rights reserved"),
    "ar": ("عاجل", "اقرأ أيضا", "الأكثر قراءة", "تعليقات", "شارك", "جميع الحقوق محفوظة"),
}
EPOCH = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)
BASE = "{base}"  # placeholder the server replaces in discovery files


@dataclass(frozen=True)
class Page:
    """One article page of the site: its id, language, path and publication time."""

    id: int
    lang: str
    section: str
    published: datetime

    @property
    def path(self) -> str:
        day = self.published.strftime("%Y/%m/%d")
        return f"/{self.lang}/{self.section}/{day}/article-{self.id:06d}.html"


def plan(pages: int, seed: int) -> list[Page]:
    """The site's article pages, oldest first."""
    rng = random.Random(seed)
    langs, weights = [lang for lang, _ in LANGS], [weight for _, weight in LANGS]
    out = []
    for i in range(pages):
        when = EPOCH + timedelta(minutes=37 * i + rng.randrange(30))
        out.append(Page(i, rng.choices(langs, weights)[0], rng.choice(SECTIONS), when))
    return out


def sentence(rng: random.Random, words: list[str], low: int = 8, high: int = 22) -> str:
    text = " ".join(rng.choices(words, k=rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: list[str], sentences: int) -> str:
    return " ".join(sentence(rng, words) for _ in range(sentences))


def _link(page: Page, title: str) -> str:
    return f'<a href="{page.path}">{html.escape(title)}</a>'


def _title(page: Page) -> str:
    """The page's headline: the same wherever the page is linked from."""
    return sentence(random.Random(page.id * 7919), WORDS[page.lang], 6, 11)[:-1]


def _head(rng: random.Random, page: Page, title: str, lede: str) -> str:
    css = "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{rng.randrange(16**6):06x}}}"
        for i in range(1200)
    )
    config = {
        "ads": [
            {"slot": f"/2134/{page.section}/{i}", "sizes": [[300, 250], [728, 90]]}
            for i in range(120)
        ],
        "tracking": {
            "id": hashlib.sha1(str(page.id).encode()).hexdigest(),
            "events": list(range(200)),
        },
    }
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": page.published.isoformat(),
        "inLanguage": page.lang,
        "articleSection": page.section,
        "author": {"@type": "Person", "name": "Rédaction"},
    }
    return (
        f"<head><meta charset='utf-8'><title>{html.escape(title)} | Akhbar Bench</title>"
        f'<meta name="description" content="{html.escape(lede[:200])}">'
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{page.published.isoformat()}">'
        f'<meta property="article:section" content="{page.section}">'
        f'<link rel="canonical" href="{page.path}">'
        f"<style>{css}</style>"
        f"<script>window.siteConfig = {json.dumps(config)};</script>"
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        "</head>"
    )


def _nav() -> str:
    items = "".join(
        f'<li><a href="/{lang}/{s}/">{s.title()}</a><ul>'
        + "".join(f'<li><a href="/{lang}/{s}/{k}/">{s}-{k}</a></li>' for k in range(8))
        + "</ul></li>"
        for lang, _ in LANGS
        for s in SECTIONS
    )
    return f'<header class="site-header"><nav class="main-menu"><ul>{items}</ul></nav></header>'


def _others(rng: random.Random, site: list[Page], k: int) -> list[Page]:
    return [site[rng.randrange(len(site))] for _ in range(k)]


def _ticker(rng: random.Random, site: list[Page], label: str) -> str:
    heads = "".join(
        f'<span class="ticker-item">{_link(p, _title(p))}</span>' for p in _others(rng, site, 30)
    )
    return (
        f'<div class="ticker-wrapper"><strong>{label}</strong>'
        f'<div class="ticker-track">{heads}</div></div>'
    )


def _article(rng: random.Random, page: Page, title: str, lede: str, share: str) -> str:
    words = WORDS[page.lang]
    body = "".join(
        f"<p>{paragraph(rng, words, rng.randint(3, 6))}</p>" for _ in range(rng.randint(8, 16))
    )
    author = rng.choice(("Karim Alaoui", "Salma Bennani", "Youssef Idrissi", "Nadia Tazi"))
    return (
        f'<main><article class="post"><h1 class="entry-title">{html.escape(title)}</h1>'
        f'<div class="byline"><span class="author">{author}</span> '
        f'<time datetime="{page.published.isoformat()}">'
        f"{page.published:%d/%m/%Y %H:%M}</time></div>"
        f'<p class="lede"><strong>{html.escape(lede)}</strong></p>'
        f'<div class="entry-content">{body}</div>'
        f'<div class="share-menu">{share}: <a href="#fb">Facebook</a> <a href="#x">X</a> '
        f'<a href="#wa">WhatsApp</a> <a href="#mail">E-mail</a></div></article>'
    )


def _related(rng: random.Random, site: list[Page], label: str) -> str:
    cards = "".join(
        f'<div class="card">{_link(p, _title(p))}<p>{sentence(rng, WORDS[p.lang])}</p></div>'
        for p in _others(rng, site, 16)
    )
    return f'<section class="related-posts"><h2>{label}</h2>{cards}</section>'


def _comments(rng: random.Random, page: Page, label: str) -> str:
    words = WORDS[page.lang]
    items = "".join(
        f'<li class="comment"><span class="comment-author">lecteur{rng.randrange(9999)}</span>'
        f"<p>{paragraph(rng, words, rng.randint(1, 3))}</p></li>"
        for _ in range(rng.randint(10, 30))
    )
    return (
        f'<section id="comments" class="comments"><h2>{label}</h2><ol>{items}</ol></section></main>'
    )


def _aside_and_footer(rng: random.Random, site: list[Page], labels: tuple[str, ...]) -> str:
    most = "".join(f"<li>{_link(p, _title(p))}</li>" for p in _others(rng, site, 10))
    links = "".join(f'<a href="/page/{i}.html">Page {i}</a> ' for i in range(40))
    return (
        f'<aside class="sidebar widget"><h3>{labels[2]}</h3><ol>{most}</ol></aside>'
        f'<footer class="site-footer"><div class="footer-links">{links}</div>'
        f"<p>© 2026 Akhbar Bench. {labels[5]}.</p></footer>"
    )


def render(page: Page, site: list[Page], seed: int) -> bytes:
    """The article page's HTML (UTF-8)."""
    rng = random.Random(seed * 1_000_003 + page.id)
    labels = CHROME[page.lang]
    title = _title(page)
    lede = sentence(rng, WORDS[page.lang], 20, 30)
    direction = ' dir="rtl"' if page.lang == "ar" else ""
    parts = (
        f'<!DOCTYPE html><html lang="{page.lang}"{direction}>',
        _head(rng, page, title, lede),
        "<body>",
        _nav(),
        _ticker(rng, site, labels[0]),
        _article(rng, page, title, lede, labels[4]),
        _related(rng, site, labels[1]),
        _comments(rng, page, labels[3]),
        _aside_and_footer(rng, site, labels),
        "</body></html>",
    )
    return "".join(parts).encode()


def sitemaps(site: list[Page], base: str = "") -> dict[str, bytes]:
    """robots.txt-free discovery files: the sitemap index and its sub-sitemaps, by path."""
    files: dict[str, bytes] = {}
    index = []
    for lang, _ in LANGS:
        pages = [p for p in site if p.lang == lang]
        for k in range(0, len(pages), SITEMAP_SIZE):
            path = f"/sitemaps/{lang}-{k // SITEMAP_SIZE + 1}.xml"
            chunk = pages[k : k + SITEMAP_SIZE]
            urls = "".join(
                f"<url><loc>{base}{p.path}</loc><lastmod>{p.published.isoformat()}</lastmod></url>"
                for p in chunk
            )
            files[path] = _xml("urlset", urls)
            lastmod = max(p.published for p in chunk).isoformat()
            index.append(f"<sitemap><loc>{base}{path}</loc><lastmod>{lastmod}</lastmod></sitemap>")
    files["/sitemap.xml"] = _xml("sitemapindex", "".join(index))
    return files


def _xml(root: str, inner: str) -> bytes:
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{ns}">{inner}</{root}>'.encode()


def feed(site: list[Page], seed: int, base: str = "") -> bytes:
    """An RSS 2.0 feed of the latest FEED_SIZE articles."""
    items = "".join(
        f"<item><title>{html.escape(_title(p))}</title><link>{base}{p.path}</link>"
        f"<pubDate>{p.published:%a, %d %b %Y %H:%M:%S +0000}</pubDate></item>"
        for p in reversed(site[-FEED_SIZE:])
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Akhbar Bench</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def generate(pages: int = DEFAULT_PAGES, seed: int = 1, root: Path | None = None) -> Path:
    """Write the site (once per pages/seed/version) and return its directory."""
    root = root or Path(tempfile.gettempdir()) / "akhbar-bench-sites"
    out = root / f"v{GENERATOR_VERSION}-p{pages}-s{seed}"
    if (out / ".complete").exists():
        return out
    site = plan(pages, seed)
    # discovery files need absolute URLs: the server puts its own base URL in place of {base}
    files = {**sitemaps(site, BASE), "/feed.xml": feed(site, seed, BASE)}
    files["/robots.txt"] = (
        f"User-agent: *\nDisallow: /admin/\n\nSitemap: {BASE}/sitemap.xml\n".encode()
    )
    files["/urls.txt"] = "".join(p.path + "\n" for p in site).encode()
    for page in site:
        files[page.path] = render(page, site, seed)
    for path, body in files.items():
        target = out / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    (out / ".complete").write_text("ok\n")
    return out


def article_urls(root: Path, base: str) -> list[str]:
    """The absolute URL of every article of a generated site, oldest first."""
    return [base + line for line in (root / "urls.txt").read_text().split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate (and serve) the synthetic news site.")
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="article pages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="cache directory for sites")
    parser.add_argument("--serve", action="store_true", help="serve it on 127.0.0.1 until ^C")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    root = generate(args.pages, args.seed, args.out)
    print(f"{args.pages} article pages in {root}", flush=True)
    if args.serve:
        with SiteServer(root, port=args.port) as server:
            print(
                f"serving {server.base_url}/sitemap.xml and {server.base_url}/feed.xml", flush=True
            )
            with contextlib.suppress(KeyboardInterrupt):
                server.process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
