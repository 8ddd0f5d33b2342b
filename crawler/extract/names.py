"""People's names in bylines: what is a name, and the names a byline string holds.

A byline says more than names: an introduction ("By", "Par", "Von:", "Written by", "بقلم"), a
role ("Senior Autos Reporter", "(Content Manager)"), an affiliation ("@ Maintouch"), a date,
links ("View more posts", "Sign In"). `names_in` keeps the names: co-authors are split on
separators and on "and", "und", "og", "et", "y", "و" between two full names; "Last, First" is one
person; a credential after a comma ("Angela Holliday-Bell, MD") stays with its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.extract.datetext import DATE_START, month_number
from crawler.extract.phrases import norm

WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes",
    "miercoles", "jueves", "viernes", "sabado", "domingo",
}  # fmt: skip
# Words that introduce names: "By", "Par", "Von:", "Written by", "Reviewed by", "Autor:", "بقلم"
_INTRO_WORDS = (
    r"by|par|por|von|door|av|af|di|autor(?:es|a|as)?|autore|auteurs?|authors?|written|"
    r"redactor|redacción|текст|автор|авторы|بقلم|كتبه|إعداد|تأليف"
)
_LEAD = (
    r"(?:(?:written|posted|reviewed|edited|analysis|opinion|commentary|story|text|words|"
    r"reporting|report|photos?|fact[- ]checked|medically reviewed|publié|publicado)\s+)?"
)
INTRO = re.compile(rf"^{_LEAD}(?:{_INTRO_WORDS})\s*[:：]?\s+|^(?:de|من)\s*[:：]\s*", re.IGNORECASE)
BARE_INTRO = re.compile(rf"^{_LEAD}(?:{_INTRO_WORDS})\s*[:：]?$", re.IGNORECASE)
# "Texas Mattress Makers Reviewed by Youval Meicler": the names follow the first "by" (written
# in lower case: no name holds a lower-case " by ")
INNER_BY = re.compile(r"^.{1,60}?\s(?:by|par|por)\s*:?\s+(?=\S)")
# "Louis Jacobson on Monday, November 18th": the name ends where a date or time begins
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|"
_DAYS += "vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
TAIL = re.compile(
    rf"\s+(?:on|le|el|am|at|à|a las)\s+(?:\d|\w+,?\s+\d|(?:{_DAYS})\b).*$"
    r"|\s+(?:updated|mis à jour|publié)\b.*$|\s+[-–—]\s+.*\d.*$",
    re.IGNORECASE,
)
# What follows a name and is not one: an affiliation, a role in brackets
AFFILIATION = re.compile(r"\s*(?:@|\(|\[|,?\s+(?:of|de|at)\s+the\s).*$", re.IGNORECASE)
SEPARATORS = re.compile(r"\s*[|;/،•·⋅]\s*|\s+[&+]\s+")
CONJUNCTION = re.compile(r"\s+(?:and|und|og|et|y|e|و|i|with|avec|con|mit)\s+", re.IGNORECASE)
PARTICLES = {
    "de", "da", "del", "della", "der", "den", "di", "do", "dos", "das", "du", "la", "le", "el",
    "al", "van", "von", "ter", "ten", "bin", "ben", "ibn", "y", "e", "d", "ait", "ou", "abu",
}  # fmt: skip
# A role or a job title: where the name before it ends ("Keith Barry Senior Autos Reporter")
ROLE_WORDS = {
    "reporter", "editor", "editors", "writer", "writers", "author", "authors", "correspondent",
    "contributor", "contributing", "columnist", "manager", "coordinator", "director",
    "specialist", "engineer", "developer", "administrator", "producer", "founder",
    "cofounder", "co", "ceo", "cto", "head", "senior", "staff", "marketing", "content",
    "journalist", "strategist", "consultant", "analyst", "professor", "intern", "lead",
    "chief", "president", "officer", "controller", "educator", "educators", "expert",
    "rédacteur", "rédactrice", "journaliste", "correspondant", "correspondante", "redactor",
    "redactora", "periodista", "corresponsal", "colaborador", "colaboradora",
}  # fmt: skip
# Links and labels that sit in author boxes and are no names
UI_WORDS = {
    "sign", "log", "login", "logout", "subscribe", "follow", "share", "view", "read", "more",
    "posts", "post", "home", "menu", "search", "contact", "about", "connect", "profile", "bio",
    "articles", "all", "see", "email", "linkedin", "twitter", "facebook", "instagram",
    "corresponding", "declared", "competing", "interests", "published", "updated",
    "editorial", "process", "guidelines", "policy", "checked", "reviewed", "newsletter",
    "by", "par", "por",
}  # fmt: skip
NAME_MAX_WORDS = 6


def names_in(text: str) -> list[str]:
    """The people a byline string names, in order (none when it names nobody). An e-mail
    address beside a name is left out ("Jan Novak, jan@example.org"), and so is a tagline
    after a dash ("Andrea Valeria - Remote Jobs")."""
    if re.search(r"https?:|www\.", text):
        return []
    text = " ".join(EMAIL.sub(" ", text).split()).strip(" ,;")
    text = INTRO.sub("", INNER_BY.sub("", text) if INNER_BY.match(text) else text)
    text = DATE_START.split(TAIL.sub("", text), maxsplit=1)[0]
    text = _without_tagline(text)
    parts = _last_first(text) or [p for part in SEPARATORS.split(text) for p in _commas(part)]
    names: list[str] = []
    for part in parts:
        for piece in _co_authors(part):
            name = clean_name(piece)
            if name is None and not is_role(piece):
                return []  # "Business & tech": a label, no byline
            if name and norm(name) not in {norm(n) for n in names}:
                names.append(name)
    return names


EMAIL = re.compile(r"<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?")
DASHED = re.compile(r"\s+[-–—]\s+")


def _without_tagline(text: str) -> str:
    """ "Name - Tagline" is the name, when the part before the dash is a person's name written
    in a script with capitals (a dash between two co-authors is rarer than one before an
    agency or a tagline; "أخبارنا المغربية - الرباط" is the desk and its city, kept whole)."""
    head, *rest = DASHED.split(text)
    cased = any(c.isupper() for c in head)
    return head if rest and cased and is_person(head) else text


def split_authors(raw: Iterable[str]) -> tuple[str, ...]:
    """The names in some byline strings, in order, each once."""
    names: list[str] = []
    for value in raw:
        for name in names_in(value):
            if norm(name) not in {norm(n) for n in names}:
                names.append(name)
    return tuple(names)


def is_role(text: str) -> bool:
    """Is this a job title or a date beside the names ("GoAbroad Content Administrator",
    "November 18th")?"""
    keys = {k.strip(".,:;()") for k in text.lower().split()}
    dated = re.search(r"\d", text) or any(month_number(k) for k in keys)
    return bool(keys & ROLE_WORDS) or bool(dated)


def _last_first(text: str) -> list[str]:
    """ "Streams, Kimber": one person, first name first."""
    match = re.fullmatch(r"([^\W\d_][\w'’-]+),\s*([^\W\d_][\w'’-]+)", text)
    return [f"{match[2]} {match[1]}"] if match and match[1][0].isupper() else []


_CREDENTIAL = (
    r"(?:MD|DO|PhD|Ph\.D\.?|RN|RD|MPH|MS|MSc|MBA|Jr\.?|Sr\.?|[A-Z]{2,4}|(?:[A-Z]\.){2,4})\*?"
)
CREDENTIAL = re.compile(rf"^{_CREDENTIAL}$")
HONORIFIC = re.compile(r"^(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+")
# "PhD and Jessica Pan": a credential, then the next co-author
CREDENTIAL_THEN = re.compile(rf"^({_CREDENTIAL})\s+(?:and|und|et|y|&)\s+(.+)$")


def _commas(part: str) -> list[str]:
    """Names separated by commas; a credential after a comma stays with its name ("Dr. Ang
    Xiao, PhD and Jessica Pan, MPH": two people)."""
    out: list[str] = []
    for piece in (p.strip() for p in part.split(",")):
        then = CREDENTIAL_THEN.match(piece)
        if out and then:
            out[-1] = f"{out[-1]}, {then[1]}"
            out.append(then[2])
        elif out and CREDENTIAL.match(piece):
            out[-1] = f"{out[-1]}, {piece}"
        elif piece:
            out.append(piece)
    return out


def _co_authors(part: str) -> list[str]:
    """ "A B and C D": two people; "Ortega y Gasset" (single words around "y"): one."""
    pieces = CONJUNCTION.split(part)
    if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
        return pieces
    return [part]


def clean_name(raw: str) -> str | None:
    """`raw` as a person's name (introduction, role, affiliation and date taken off), or None
    when it is no name."""
    name = AFFILIATION.sub("", TAIL.sub("", INTRO.sub("", raw.strip(" .-–—:·•*"))))
    words = _until_role(name.strip(" .-–—:·•,*").split())
    name = " ".join(words)
    return name if is_name(name) else None


def _until_role(words: list[str]) -> list[str]:
    """The words of a name before a role or a sentence starts ("Keith Barry Senior Autos
    Reporter", "Donna Currie is a food writer"); none when a single word comes before a role
    (that is an employer: "GoAbroad Content Administrator")."""
    for index, word in enumerate(words[1:], 1):
        key = word.lower().strip(".,:;()")
        if key in ROLE_WORDS:
            return words[:index] if index >= 2 else []
        if _cased(word) and word[0].islower() and key not in PARTICLES:
            return words[:index]
    return words


def _cased(word: str) -> bool:
    return any(c.isalpha() and (c.isupper() or c.islower()) for c in word)


def is_person(name: str) -> bool:
    """A name as people write theirs: 2-4 capitalised words ("Rishabh Dev"), not an outlet's
    ("STERN.de", "n-tv NACHRICHTEN", "MCJ", one word); an honorific before it and credentials
    after it aside ("Dr. Ang Xiao, PhD")."""
    head, *tails = name.split(",")
    if all(CREDENTIAL.match(t.strip()) for t in tails):
        name = HONORIFIC.sub("", head)
    words = name.split()
    return (
        2 <= len(words) <= 4
        and is_name(name)
        and "." not in name
        and all(not w.isupper() or len(w) == 1 for w in words if _cased(w))
    )


def is_name(name: str) -> bool:
    """Could this be a person's (or a desk's) name: 1-6 words, no digits, no handle or URL, no
    link label, capitalised where the script has case, no date?"""
    words = name.split()
    if not 1 <= len(words) <= NAME_MAX_WORDS or len(name) > 80 or len(name) < 2:
        return False
    if re.search(r"https?:|www\.|@|\d|[<>{}=#_:+*]", name):
        return False
    keys = [k for w in words for k in re.split(r"[/-]", w.lower().strip(".,:;()!?")) if k]
    if any(key in UI_WORDS or key in ROLE_WORDS for key in keys):
        return False
    if month_number(name) is not None:
        return False
    if norm(name) in WEEKDAYS:
        return False
    cased = [w for w in words if _cased(w)]
    return all(w[0].isupper() or w.lower().strip(".") in PARTICLES for w in cased) and (
        not cased or any(w[0].isupper() for w in cased)
    )
