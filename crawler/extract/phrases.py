"""Phrase families of boilerplate, comment headings and bylines (fr, ar, en, es), and the folded
form short lines are compared in. Shared by the passes: the DOM pruning and the text pass drop
what these match, the refusal pass reads aggregator lines, the metadata and author passes bylines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from crawler.outlets.patterns import Searcher

# Headlines glued into one run, separated by two or more blanks with at least one no-break space.
TICKER_SEP = re.compile(r"[ \t]*\u00a0[ \t\u00a0]+|[ \t]+\u00a0[ \t\u00a0]*")
TICKER_MIN_SEPARATORS = 3
HEADLINE_MAX_CHARS = 300
PARAGRAPH_MIN = 80  # characters: a paragraph of running text, not a caption or a label


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# A line matching one of these is dropped wherever it stands (lines up to DROP_MAX_CHARS long).
DROP_MAX_CHARS = 300
CROSS_LINKS = _rx(
    r"^(?:lire|voir)\s+(?:également|egalement|aussi|plus)\b",
    r"^(?:à|a)\s+(?:lire|voir)\s+(?:aussi|également|egalement)\b",
    r"^(?:read|see)\s+(?:also|more)\b\s*[:：\-–]",
    r"^(?:read|see)\s+also\b",
    r"^(?:lee|lea|léase|ver|vea)\s+(?:también|tambien|además|ademas)\b",
    r"^(?:اقرأ|إقرأ|اقرا|إقرا|أقرأ)\s+(?:أيضا|أيضاً|ايضا|ايضاً|كذلك)",
    r"^(?:شاهد|طالع)\s+(?:أيضا|أيضاً|ايضا)",
)
AGGREGATOR_FOOTERS = _rx(
    r"^cliquez ici pour lire l[’']article depuis sa source\.?$",
    r"^click here to read the (?:full )?article (?:from|at) (?:its|the) (?:original )?source\.?$",
    r"^haga clic aquí para leer el artículo (?:desde|en) su fuente\.?$",
    r"^(?:اضغط|إضغط|انقر) هنا (?:لقراءة|للاطلاع على|لمتابعة|لقراءة تفاصيل) (?:الخبر|المقال|الموضوع)"
    r"(?: كاملا| كاملاً)? (?:من|في|على) (?:مصدره|المصدر|موقعه الأصلي)",
)
PROMPTS = _rx(
    r"^merci d[’']avoir signalé",
    r"^(?:signaler|report)(?: (?:cette image|l[’']image|un abus|ce contenu|this image|abuse))?$",
    # blog and CMS chrome: post footers, pagers, feed links (Blogger, WordPress) in fr/en/es/ar
    r"^(?:publié|posted|publicado|filed|نشر) (?:dans|par|in|by|en|por|under|بواسطة) [^.!?]{1,80}$",
    r"^(?:libellés|labels|etiquetas|التسميات)\s*:.{0,200}$",
    r"^(?:inscription à|subscribe to|suscribirse a|الاشتراك في)\s*:.{0,80}\(atom\)$",
    r"^(?:article plus récent|article plus ancien|newer post|older post|entrada más reciente|"
    r"entrada antigua|رسالة أحدث|رسالة أقدم|article précédent|article suivant|previous post|"
    r"next post|navigation de l[’']article)(?:\W.{0,120})?$",
    r"^(?:envoyer par e-mail|blogthis!?|email this)(?:\W.{0,120})?$",
    r"^(?:suivez-nous|follow us|síguenos|تابعونا)(?: (?:sur|on|en|على).{0,60})?\s*:?$",
    r"^(?:j[’']aime(?: ça)?|like this|me gusta)\s*:?$|^(?:chargement|loading)…?\.{0,3}$",
    r"^votre adresse (?:e-mail|de messagerie) ne sera pas publiée",
    r"^your email address will not be published",
    r"^tu (?:dirección de )?(?:correo|e-?mail)(?: electrónico)? no (?:será|se) publica",
    r"^(?:لن يتم نشر|لن يُنشر|لن ينشر) (?:عنوان )?بريدك",
    r"^(?:les champs|required fields|los campos)(?: obligatoires| obligatorios)? (?:sont|are|están)"
    r" (?:indiqués|marked|marcados|señalados)",
    r"^(?:publicar|enviar|publier|envoyer|post|submit|إرسال|ارسال|نشر) (?:el |le |un |the )?"
    r"(?:comentario|commentaire|comment|التعليق)$",
    r"^(?:responder|répondre|reply|رد|الرد|ردّ)$",
    r"^(?:guarda|enregistrer|save) (?:mi|mon|my) (?:nombre|nom|name)\b.{0,200}$",
    r"^(?:.{2,40}) (?:dice|says)\s*:$",
    r"^cette image sera automatiquement bloquée",
    r"^thanks? (?:you )?for reporting",
    r"^gracias por (?:informar|reportar|denunciar)",
    r"^شكرا (?:لك )?على (?:الإبلاغ|التبليغ)",
    r"^(?:nous utilisons|ce site utilise|ce site web utilise) des cookies",
    r"^(?:we use|this (?:web)?site uses) cookies",
    r"^(?:utilizamos|este sitio (?:web )?utiliza) cookies",
    r"^(?:accepter|refuser|accept|reject|aceptar|rechazar)(?: (?:les|all|todas?))?(?: cookies)?$",
    r"^(?:inscrivez-vous|abonnez-vous) à (?:notre|la) newsletter",
    r"^(?:subscribe|sign up) (?:to|for) (?:our|the) newsletter",
    r"^(?:suscríbete|suscribete) a (?:nuestro|nuestra) (?:boletín|newsletter)",
    r"^(?:اشترك|سجل) في (?:النشرة|نشرتنا)",
    r"^you are currently viewing\b",
    r"^(?:.{0,80}(?:©|\(c\)|copyright)\s*(?:\d{4}|[a-z]).{0,100}"
    r"|.{0,100}(?:tous droits réservés|all rights reserved|todos los derechos reservados|"
    r"جميع الحقوق محفوظة).{0,60})$",
    r"^(?:partager|partagez|share|compartir|شارك)(?: (?:sur|on|en|via|par|على))? (?:facebook|"
    r"twitter|x|whatsapp|linkedin|telegram|e-?mail|messenger|فيسبوك|تويتر|واتساب)\b.{0,40}$",
    r"^vous consultez actuellement\b",
    r"^(?:partager|partagez|share|compartir|شارك|مشاركة)"
    r"(?: (?:sur|on|en|cet article|this article|this|l[’']article|المقال))?\s*[:：]?$",
    r"^(?:(?:facebook|twitter|x|whatsapp|linkedin|telegram|e-?mail|messenger|pinterest|imprimer|"
    r"print|copier le lien|copy link)[\s,|·•/]*){2,}$",
)
# A line equal to one of these headings starts a comment section or a related-articles block:
# the body ends there (when it comes after some body text).
SECTION_ENDS = _rx(
    r"^(?:\d+\s+)?commentaires?(?:\s*\(\d+\))?\s*:?$",
    r"^(?:enregistrer|publier|ajouter|laisser|poster) un commentaire$",
    r"^(?:aucun commentaire|no comments|no hay comentarios|ليست هناك تعليقات)\s*:?$",
    r"^(?:إرسال تعليق|اكتب تعليقك|شاركنا رأيك)\s*:?$",
    r"^laisser une réponse$",
    r"^(?:vos réactions|réagissez|réagir à cet article)\s*:?$",
    r"^(?:une|\d+) (?:réflexions?|réponses?) (?:sur|à) .{1,200}$",
    r"^(?:one|\d+) (?:thoughts?|responses?|replies|comments?) (?:on|to) .{1,200}$",
    r"^(?:\d+\s+)?comments?(?:\s*\(\d+\))?\s*:?$",
    r"^(?:leave|post|add) a (?:comment|reply)$",
    r"^(?:\d+\s+)?comentarios?\s*:?$",
    r"^(?:deja|dejar|escribe) (?:un comentario|una respuesta)$",
    r"^(?:تعليقات الزوار|أضف تعليقك|أضف تعليقا|أضف تعليق|اترك تعليقا|اترك تعليقاً)\s*:?$",
    r"^(?:التعليقات|تعليقات)\s*:?$",
    r"^articles? (?:en relations?|similaires|liés|connexes|recommandés)\s*:?$",
    r"^(?:sur le même sujet|dans la même rubrique|quoi de neuf)\s*:?$",
    r"^(?:à lire aussi|à lire également)\s*:?$",
    r"^(?:related|similar|recommended) (?:articles|posts|stories|news|content)\s*:?$",
    r"^(?:you (?:may|might) also like|more (?:stories|news) from .{1,40})\s*:?$",
    r"^(?:artículos|noticias|notas) (?:relacionad[oa]s|similares)\s*:?$",
    r"^(?:te puede interesar|también te puede interesar)\s*:?$",
    r"^(?:مقالات|أخبار|اخبار|مواضيع) (?:ذات صلة|مشابهة|متعلقة)\s*:?$",
    r"^(?:اقرأ|إقرأ) (?:أيضا|أيضاً|ايضا)\s*:?$",
    r"^(?:الكلمات المفتاحية|كلمات مفتاحية|mots-clés|mots clés|tags|étiquettes|etiquetas)\s*:?$",
)
# Headings that open a comment section or its form (fr/en/es/ar): "Comentarios", "3 comentarios",
# "2 réflexions sur « … »", "Deja una respuesta", "Leave a Reply", "تعليق واحد على …".
_COUNT = r"(?:\d+|[٠-٩]+|une?|one|una?|no|aucun|sin)"
_QUOTED = r"[«“\"‘'„].{1,160}"  # WordPress quotes the post's title: 2 réflexions sur « … »
_ABOUT = rf"(?:\s*\(\d+\))?(?:\s+(?:sur|à|on|to|en|sobre|a)\s+{_QUOTED})?"
COMMENT_HEADING = _rx(
    r"^(?:commentaires?|comments?|comentarios?)(?:\s*\(\d+\))?\s*:?$",
    rf"^{_COUNT}\s+(?:commentaires?|comments?|comentarios?|réactions?|réflexions?|réponses?|"
    rf"responses?|replies|respuestas?|thoughts?|opiniones){_ABOUT}\s*:?$",
    r"^(?:laisser|ajouter|poster|publier|écrire|enregistrer) (?:un|votre) (?:commentaire|réponse)",
    r"^laisser une réponse$|^(?:leave|post|add|write) (?:a|your) (?:comment|reply|response)",
    r"^(?:deja|dejar|escribe|añade|publica|publicar|envía|enviar) (?:un|tu|su|una) "
    r"(?:comentario|respuesta)",
    rf"^(?:(?:[\d٠-٩]+ )?(?:التعليقات|تعليقات|تعليق|تعليقا)|تعليق واحد|تعليقان|تعليقات الزوار|"
    rf"تعليقات القراء|لا توجد تعليقات)(?:\s+على\s+{_QUOTED})?\s*:?$",
    r"^(?:أضف|اضف|اترك|أترك|اكتب|أكتب) (?:تعليقك|تعليقا|تعليقاً|تعليق|ردا|رداً|رد)\s*:?$",
)
SIGNATURE = _rx(
    r"^(?:la )?rédaction(?:\s+\w+)?(?:\s*\([^)]{1,80}\))?\.?$",
    r"^(?:the )?editorial (?:team|staff|board)(?:\s*\([^)]{1,80}\))?\.?$",
    r"^(?:la )?redacción(?:\s*\([^)]{1,80}\))?\.?$",
    r"^(?:هيئة التحرير|التحرير|المحرر)(?:\s*\([^)]{1,80}\))?$",
)
AGGREGATOR_LINE = _rx(
    r"^publié dans\s+.{1,80}?\s+le\s+\d",
    r"^(?:نشر|نشرت) في\s+.{1,80}?\s+(?:يوم|بتاريخ)?\s*[\d٠-٩]",
    r"^published in\s+.{1,80}?\s+on\s+\d",
    r"^publicado en\s+.{1,80}?\s+el\s+\d",
)
# Phrases taken out wherever they stand in a line (glued to the text before or after them).
INLINE_PHRASES = _rx(
    r"cliquez ici pour lire l[’']article depuis sa source\.?",
    r"merci d[’']avoir signalé\s*!?",
    r"cette image sera automatiquement bloquée après qu[’']elle soit signalée par plusieurs "
    r"personnes\.?",
)
# A short line of names: "Mohammed Fizazi | Mohammed Chafi", "Par Nadia El Amrani", "By A and B".
_NAME = r"(?:[A-ZÀ-Ý][\w’'.-]+|(?:el|al|ben|bin|de|du|la|le|d[’']|von|van|ait|ou|da|dos))"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{1,4}}"
BYLINE = re.compile(
    rf"^(?:(?:[Pp]ar|[Bb]y|[Pp]or)\s+{_NAMES}(?:\s*(?:\||,|&|\bet\b|\band\b|\by\b)\s*{_NAMES})*"
    rf"|{_NAMES}(?:\s*(?:\||&)\s*{_NAMES})+|بقلم\s*:?\s*.{{3,60}})$"
)
LONE_NAME = re.compile(rf"^{_NAMES}$")  # one person's name alone (2-5 capitalised words)
# Body text before a section end must be at least this long for the end to cut (else it is dropped).
CUT_MIN_CHARS = 200


class _Uncombined(dict[int, int | None]):
    """A str.translate table that deletes combining marks: filled on first sight of each
    character, so the translation itself runs in C."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_UNCOMBINED = _Uncombined()
_WORD = re.compile(r"\w+")


def norm(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form, for comparing short lines."""
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_UNCOMBINED)
    return " ".join(_WORD.findall(text))


def is_comment_heading(text: str) -> bool:
    """Does this short text open a comment section or a comment form?"""
    text = " ".join(text.split()).strip(" :")
    return 0 < len(text) <= 200 and not text.endswith(".") and bool(COMMENT_HEADING.search(text))


def is_boilerplate_line(line: str, extra: Sequence[Searcher] = ()) -> bool:
    """Is this line in a known boilerplate family (or does it match an outlet regex)?"""
    text = line.strip()
    if not text:
        return False
    if any(p.search(text) for p in extra):
        return True
    if len(text) > DROP_MAX_CHARS:
        return False
    return any(p.search(text) for p in (CROSS_LINKS, AGGREGATOR_FOOTERS, PROMPTS, AGGREGATOR_LINE))
