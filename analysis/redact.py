"""De-identification of free text: personal data out, everything else untouched.

``redact(text, language="fr")`` replaces each piece of personal data with a
bracketed placeholder in the text's language and leaves every other character
as it was:

=========  ================  =============  ======================================
kind       French            English        what
=========  ================  =============  ======================================
name       ``[nom]``         ``[name]``     person names, staff names
phone      ``[téléphone]``   ``[phone]``    French, UK, US and international forms
email      ``[e-mail]``      ``[e-mail]``   addresses, also "jo arobase gmail point com"
address    ``[adresse]``     ``[address]``  street addresses, postcodes, flat numbers
date       ``[date]``        ``[date]``     full dates; day and month after a birth cue
number     ``[numéro]``      ``[number]``   NIR, CAF, IBAN, NHS, NI, SSN, file numbers
place      ``[lieu]``        ``[place]``    named places smaller than a city
=========  ================  =============  ======================================

The rules are written for what people type in a survey's open question: no
capitals, no accents, numbers split with spaces or dots. They are layered from
the most certain (an e-mail has an ``@``) to the most contextual (a capitalised
word after "mon fils"); a span found by an earlier rule is never re-examined.
Names come from three sources: the first-name list shipped in
``analysis/data/firstnames.txt`` (sources and licences in
``analysis/data/README.md``), titles and cue phrases ("Mme", "je m'appelle",
"my key worker"), and ``extra_names`` (the organisation's staff).

This is a safety net, not a guarantee: the README reports its precision and
recall measured on a labelled set (``tests/data/redaction_*.txt``, measured by
``scripts/evaluate_redaction.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.stopwords import function_words

KINDS = ("name", "phone", "email", "address", "date", "number", "place")
PLACEHOLDERS = {
    "fr": {
        "name": "[nom]",
        "phone": "[téléphone]",
        "email": "[e-mail]",
        "address": "[adresse]",
        "date": "[date]",
        "number": "[numéro]",
        "place": "[lieu]",
    },
    "en": {
        "name": "[name]",
        "phone": "[phone]",
        "email": "[e-mail]",
        "address": "[address]",
        "date": "[date]",
        "number": "[number]",
        "place": "[place]",
    },
}

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``text[start:end]`` are personal data of ``kind``."""

    start: int
    end: int
    kind: str


# ---------------------------------------------------------------- word lists


@lru_cache(maxsize=1)
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(names that are only names, names that are also common words), lower case."""
    sure: set[str] = set()
    ambiguous: set[str] = set()
    for line in (_DATA / "firstnames.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("~"):
            ambiguous.add(line[1:].lower())
        else:
            sure.add(line.lower())
    return frozenset(sure), frozenset(ambiguous)


@lru_cache(maxsize=1)
def _any_first_name() -> frozenset[str]:
    """Every listed first name, sure or ambiguous (one set, not a union per word)."""
    sure, ambiguous = _first_names()
    return sure | ambiguous


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return function_words() | _CHAT_WORDS


# Words a person types after "je m'appelle" or "my name is" that are not names.
_CHAT_WORDS = {
    "comment",
    "pareil",
    "aussi",
    "bien",
    "madame",
    "monsieur",
    "mme",
    "mr",
    "mrs",
    "ms",
    "miss",
    "just",
    "really",
    "simply",
    "not",
    "pas",
    "sur",
}

# Capitalised words that are never person names here: institutions, places,
# calendar words, languages. A longer list would only trade recall for nothing.
_NOT_NAMES = frozenset(
    line.strip().lower()
    for line in (_DATA / "not_names.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

_UP = "A-ZÀÁÂÃÄÅÇÉÈÊËÍÌÎÏÑÓÒÔÕÖØÚÙÛÜÝŸÆŒĆČĎĐĘĚŁŃŇŐŘŚŠŞŢŤŰŹŻŽİ"
_LOW = "a-zàáâãäåçéèêëíìîïñóòôõöøúùûüýÿæœßćčďđęěłńňőřśšşţťűźżžı"
_LETTER = _UP + _LOW
_CAP = (
    rf"(?:[{_UP}][{_LETTER}]*(?:[-'’][{_UP}][{_LETTER}]+)+|[{_UP}][{_LETTER}]+|[{_UP}]\.)(?![\w])"
)
_WORD = rf"[{_LETTER}]+(?:[-'’][{_LETTER}]+)*"
_PARTICLE = r"(?:de|du|des|da|di|van|von|der|ben|bin|el|al|le|la|mc|d'|d’)"
# One to three capitalised words, particles allowed between them:
# "Fatou Diallo", "Jean de La Fontaine".
_NAME_SEQ = rf"{_CAP}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_CAP}){{0,2}}"

_SEP = r"[ \t.\-]?"


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags | re.UNICODE)


# ---------------------------------------------------------------- e-mails, numbers, phones

_EMAIL = _compile(
    r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w.+-]+[ \t]*(?:\(at\)|\[at\]|[ \t]arobase[ \t]|[ \t]at[ \t])[ \t]*[\w-]+"
    r"(?:[ \t]*(?:\.|\(dot\)|\[dot\]|[ \t]point[ \t]|[ \t]dot[ \t])[ \t]*(?:co|org|ac|gov))?"
    r"[ \t]*(?:\.|\(dot\)|\[dot\]|[ \t]point[ \t]|[ \t]dot[ \t])[ \t]*"
    r"(?:com|fr|net|org|uk|eu|be|info)\b",
    re.IGNORECASE,
)
_IBAN = _compile(r"\b[A-Z]{2}\d{2}(?:[ \t]?[A-Z0-9]{4}){2,7}(?:[ \t]?[A-Z0-9]{1,4})?\b")
_NIR = _compile(
    rf"(?<![\d])[12]{_SEP}\d{{2}}{_SEP}(?:0[1-9]|1[0-2]|[2-9]\d){_SEP}(?:\d{{2}}|2[AaBb])"
    rf"{_SEP}\d{{3}}{_SEP}\d{{3}}(?:{_SEP}\d{{2}})?(?![\d])"
)
_SSN = _compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_NINO = _compile(r"\b[A-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b")
_CARD = _compile(r"(?<![\d])\d{4}(?:[ \t-]?\d{4}){3}(?![\d])")

_PHONE_PATTERNS = (
    # French: 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, +33 (0)6..., 0033 6...
    _compile(
        r"(?<![\d+])(?:\(?(?:\+|00)[ \t]?33\)?[ \t.\-]?(?:\(0\)[ \t.\-]?|0)?[1-9]|0[1-9])"
        r"(?:[ \t.\-/]?\d{2}){4}(?![\d])"
    ),
    # Other international: +44 7700 900123, +1 (555) 123-4567, +212 6 12 34 56 78
    _compile(
        r"(?<![\d])(?:\+|00)[ \t]?\d{1,3}[ \t.\-]?(?:\(0\)[ \t.\-]?)?\(?\d{1,4}\)?"
        r"(?:[ \t.\-]?\d{2,4}){2,4}(?![\d])"
    ),
    # UK national: 07700 900123, 020 7946 0958, 0161 496 0000
    _compile(r"(?<![\d])(?:0\d{2,4}|\(0\d{2,4}\))[ \t\-]?\d{3,4}[ \t\-]?\d{3,4}(?![\d])"),
    # US: (555) 123-4567, 555-123-4567, 555.123.4567
    _compile(r"(?<![\d])(?:1[ \t.\-])?\(?\d{3}\)?[ \t.\-]?\d{3}[ \t.\-]\d{4}(?![\d])"),
)
_PHONE_CUE = _compile(
    r"\b(?:t[ée]l(?:[ée]phone)?|portable|phone|mobile|cell|fixe|appel\w*|joindre|call|ring|text"
    r"|whats\s?app|sms|num[ée]ro\s+de\s+(?:t[ée]l|portable))\b",
    re.IGNORECASE,
)
_ID_CUE = _compile(
    r"(?:\bnum[ée]ros?\b|\bnum\.|\bn[°º]|\bno\.|\bnumbers?\b|\bidentifiant\b|\bmatricule\b"
    r"|\ballocataire\b|\bdossier\b|\br[ée]f[ée]rence\b|\br[ée]f\.?|\bCAF\b|\bMSA\b|\bs[ée]cu\b"
    r"|\bs[ée]curit[ée]\s+sociale\b|\bNIR\b|\bcarte\s+vitale\b|\bNHS\b|\bnational\s+insurance\b"
    r"|\bNI\b|\bSSN\b|\bsocial\s+security\b|\bpasseport\b|\bpassport\b|\btitre\s+de\s+s[ée]jour\b"
    r"|\bp[ôo]le\s+emploi\b|\bfrance\s+travail\b|\bIBAN\b|\bRIB\b|\bsort\s+code\b|\baccount\b"
    r"|\bcompte\b|\bID\b|\bclaim\b|\bcase\b|\bpermis\b|\blicen[cs]e\b|\bcarte\b|\bcard\b)",
    re.IGNORECASE,
)
_ID_VALUE = _compile(
    r"(?<![\w'’])(?:[A-Z]{1,4}[ \t\-]?)?\d(?:[ \t.\-/]?\d|[A-Za-z]){3,}(?![\w])"
    r"|(?<![\w])[A-Za-z]{1,3}\d{5,}[A-Za-z]?(?![\w])"
)
_LONG_DIGITS = _compile(r"(?<![\w])\+?\d(?:[ \t.\-]?\d){7,}(?![\w])")
# A code with no cue: seven digits in a row, or five with letters attached ("1234567X", "AB12345").
_BARE_CODE = _compile(
    r"(?<![\w])(?:[A-Za-z]{0,3}\d{7,}[A-Za-z]{0,2}|[A-Za-z]{1,3}\d{5,}[A-Za-z]{0,2}"
    r"|\d{5,}[A-Za-z]{1,2})(?![\w])"
)

# ---------------------------------------------------------------- dates

_MONTHS_FR = (
    r"(?:janvier|janv\.?|f[ée]vrier|f[ée]vr?\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?"
    r"|ao[uû]t|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|d[ée]cembre|d[ée]c\.?)"
)
_MONTHS_EN = (
    r"(?:january|jan\.?|february|feb\.?|march|mar\.?|april|apr\.?|may|june|jun\.?|july|jul\.?"
    r"|august|aug\.?|september|sept?\.?|october|oct\.?|november|nov\.?|december|dec\.?)"
)
_DAY = r"(?:1er|1st|2nd|3rd|[0-3]?\d(?:st|nd|rd|th|e|er)?)(?![\d])"
_YEAR = r"(?:19|20)\d{2}"
_DATE_FULL = _compile(
    rf"(?<![\d/])\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:{_YEAR}|\d{{2}})(?![\d/])"
    rf"|(?<![\d])(?:19|20)\d{{2}}[/.\-]\d{{1,2}}[/.\-]\d{{1,2}}(?![\d])"
    rf"|\b{_DAY}[ \t\-/.]+(?:of[ \t]+)?(?:{_MONTHS_FR}|{_MONTHS_EN})[ \t,\-/.]+{_YEAR}\b"
    rf"|\b{_MONTHS_EN}[ \t]+{_DAY},?[ \t]+{_YEAR}\b",
    re.IGNORECASE,
)
_BIRTH_CUE = _compile(
    r"\b(?:n[ée]e?s?|born|birthday|anniversaire|naissance|d\.?o\.?b\.?|date\s+of\s+birth)\b"
    r"(?:[ \t]+(?:le|la|en|on|in|the|du|:|est|is|was|it's|c'est))*[ \t:]*",
    re.IGNORECASE,
)
_BIRTH_VALUE = _compile(
    rf"{_DAY}[ \t]+(?:of[ \t]+)?(?:{_MONTHS_FR}|{_MONTHS_EN})(?:[ \t,]+(?:{_YEAR}|\d{{2}}(?!\d)))?"
    rf"|(?:{_MONTHS_FR}|{_MONTHS_EN})[ \t]+{_YEAR}"
    rf"|{_MONTHS_EN}[ \t]+{_DAY}(?:,?[ \t]+{_YEAR})?|\d{{1,2}}[/.]\d{{1,2}}|{_YEAR}",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- addresses and places

_STREET_FR = (
    r"(?:rue|avenue|av\.|ave|boulevard|bd|bld|blvd|place|pl\.|all[ée]e|impasse|imp\.|chemin|route|rte"
    r"|quai|cours|square|passage|sentier|voie|rond-point|faubourg|fbg|promenade|esplanade|parvis"
    r"|villa|hameau|lieu-dit|mont[ée]e|traverse|r[ée]sidence|cit[ée]|lotissement)"
)
_STREET_EN = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|court|ct|crescent|cres|way|place|pl"
    r"|terrace|gardens|grove|boulevard|blvd|square|sq|hill|row|mews|walk|parade|green|rise|vale"
    r"|highway|hwy|parkway|pkwy|circle|cir|trail|park)"
)
_LINK_FR = r"(?:de[ \t]+la|de[ \t]+l['’]|du|des|de|d['’]|la|le|les|l['’]|aux|au|en|sur|sous|et)"
_NUM = r"\d{1,4}(?:[ \t]?(?:bis|ter|quater|[a-dA-D]))?,?"
_POSTCODE_FR = (
    rf"(?:\d{{5}}|\d{{2}}[ \t]\d{{3}})[ \t]+{_CAP}"
    rf"(?:[ \t\-]+(?:{_LINK_FR}[ \t\-]+)?{_CAP})*"
)
_POSTCODE_UK = r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}\b"
_ADDRESS_PATTERNS = (
    # 12 rue de la République, 12 bis, rue des Lilas 69003 Lyon (lower case accepted after a number)
    _compile(
        rf"(?<![\w]){_NUM}[ \t]+{_STREET_FR}\b[ \t]+(?:{_LINK_FR}[ \t]*)?(?:{_WORD}|\d+)"
        rf"(?:[ \t\-]+(?:{_LINK_FR}[ \t]*)?(?:{_CAP}|\d+"
        rf"|(?!(?:à|a|et|pour|depuis|mais|chez|dans|avec"
        rf"|je|j|on|il|elle|nous|qui|que|c|ça|ca|où|ou|en)\b){_WORD})){{0,4}}"
        rf"(?:,?[ \t]+{_POSTCODE_FR})?",
        re.IGNORECASE,
    ),
    # rue Victor Hugo, avenue Jean-Jaurès (capitals required without a number)
    _compile(
        rf"(?:(?<![\w]){_NUM}[ \t]+)?\b(?i:{_STREET_FR})[ \t]+"
        rf"(?:(?i:{_LINK_FR})[ \t]*)?(?:{_CAP}|\d+)"
        rf"(?:[ \t\-]+(?:(?i:{_LINK_FR})[ \t]*)?(?:{_CAP}|\d+))*(?:,?[ \t]+{_POSTCODE_FR})?"
    ),
    # 221B Baker Street, 14 elm road, Flat 3, 12 Rose Street London E1 6AN
    _compile(
        rf"(?<![\w])(?:(?:flat|apt|apartment|unit|suite)[ \t]+\w{{1,4}},?[ \t]+)?"
        rf"\d{{1,5}}[A-Za-z]?,?"
        rf"[ \t]+(?:{_WORD}[ \t]+){{1,3}}{_STREET_EN}\b\.?"
        rf"(?:,?[ \t]+(?!(?i:flat|apt|apartment|unit|suite)\b){_CAP}(?:[ \t]+{_CAP})?)?"
        rf"(?:,?[ \t]+(?:[A-Z]{{2}}[ \t]+\d{{5}}|{_POSTCODE_UK}))?",
        re.IGNORECASE,
    ),
    # Baker Street, Elm Road (capitals required without a number)
    _compile(
        rf"\b(?!(?:The|Le|La|Les|A|An|My|Our|Un|Une)\b){_CAP}(?:[ \t]+{_CAP}){{0,2}}[ \t]+"
        rf"(?i:{_STREET_EN})\b\.?(?=[\s,.;!?)]|$)(?![ \t]+{_CAP})"
    ),
    _compile(
        r"\b(?:b[âa]t(?:iment)?\.?|appartement|appart\.?|apt\.?|apartment|flat|escalier|esc\.|porte"
        r"|bo[iî]te\s+postale|BP|PO\s+box|P\.O\.\s+box)[ \t]*(?:n[°º]|no\.?)?[ \t]*"
        r"(?=[A-Za-z]?\d|(?-i:[A-Z])\b)[A-Za-z]?\d*[A-Za-z]?\b",
        re.IGNORECASE,
    ),
    _compile(_POSTCODE_UK),
    _compile(rf"(?<![\w]){_POSTCODE_FR}"),
)
_PLACE_TYPE_FR = (
    r"(?:foyer|r[ée]sidence|cit[ée]|quartier|lotissement|hameau|[ée]cole|coll[èe]ge|lyc[ée]e|cr[èe]che"
    r"|centre|maison[ \t]+de[ \t]+quartier|gymnase|h[ôo]tel|chrs|cada|h[ôo]pital|clinique|ehpad"
    r"|paroisse|[ée]glise|mosqu[ée]e"
    r"|[ée]picerie|association|asso|pension|internat|squat|camp|campement|bidonville)"
)
_PLACE_QUALIFIER = (
    r"(?:social|sociale|municipal|municipale|primaire|maternelle|[ée]l[ée]mentaire|de[ \t]+quartier"
    r"|d['’]h[ée]bergement|d['’]accueil|solidaire|m[ée]dico-social|communal|communale"
    r"|de[ \t]+jeunes"
    r"|de[ \t]+jeunes[ \t]+travailleurs|d['’]urgence|m[ée]dical|de[ \t]+sant[ée]|culturel|sportif)"
)
_PLACE_FR = _compile(
    rf"\b(?i:{_PLACE_TYPE_FR})(?:[ \t]+(?i:{_PLACE_QUALIFIER})){{0,2}}[ \t]+"
    rf"(?P<name>(?:(?:les|le|la|l['’]|des|du|de[ \t]+la|de|d['’]|Les|Le|La|L['’]|Des|Du|De)[ \t]*)?"
    rf"(?:{_CAP}|\d{{2,5}})"
    rf"(?:[ \t\-]+(?:(?:de|du|des|la|le|les|et|d['’]|l['’])[ \t]*)?{_CAP}){{0,3}})"
)
_PLACE_TYPE_EN = (
    r"(?:estate|school|academy|hostel|shelter|centre|center|hospital|house|court|tower|heights|ward"
    r"|clinic|surgery|church|mosque|temple|library|nursery|college|foodbank|food[ \t]+bank|hotel"
    r"|hall|lodge|refuge|camp)"
)
_PLACE_EN = _compile(
    rf"(?P<name>(?:St\.?[ \t]+)?{_CAP}(?:['’]s)?(?:[ \t]+{_CAP}(?:['’]s)?){{0,2}})"
    rf"(?:[ \t]+(?i:primary|secondary|high|community|children['’]s|family|day|medical"
    rf"|youth)){{0,2}}"
    rf"[ \t]+(?i:{_PLACE_TYPE_EN})\b"
)

# ---------------------------------------------------------------- names

_TITLE = (
    r"(?:M\.|Mr\.?|Mrs\.?|Ms\.?|Mx\.?|Mme\.?|Mmes|Mlle\.?|Mademoiselle|Madame|Monsieur|Dr\.?|Docteur"
    r"|Docteure|Doctor|Pr\.|Professeur|Professor|Ma[îi]tre|Miss|Sir)"
)
_TITLE_ABBREVIATED = r"(?i:mme|mlle|mr|mrs|ms|dr)\.?"
_NAME_AFTER_TITLE = _compile(
    rf"(?P<title>\b{_TITLE}|\b(?i:madame|monsieur|mademoiselle|docteur|doctor)"
    rf"|(?<![\w]){_TITLE_ABBREVIATED})[ \t]+"
    rf"(?:(?P<name>{_NAME_SEQ})|(?P<lname>{_WORD}(?:[ \t]+{_CAP})?))"
)
_STRONG_CUE = _compile(
    r"(?i:\bj['’ ]?\s?m['’ ]?\s?appel+e?\b|\bje\s+m['’ ]?\s?appel+e?\b|\bmon\s+(?:nom|pr[ée]nom)\s+"
    r"(?:est|c['’]est|:)|\bmoi\s+c['’]est|\bs['’ ]appel+(?:e|ait)\b|\bmy\s+name\s+is"
    r"|\bmy\s+name['’]s"
    r"|\bname['’]s|\bi\s+am\s+called|\bi['’]m\s+called|\bcall\s+me|\bsigné|\bsigned)[ \t:,]*"
)
_RELATION_FR = (
    r"(?:fils|fille|filles|mari|femme|[ée]poux|[ée]pouse|conjoint|conjointe|compagnon|compagne|copain"
    r"|copine|ami|amie|amis|fr[èe]re|s[œo]e?ur|m[èe]re|p[èe]re|maman|papa|enfant|enfants|b[ée]b[ée]"
    r"|petit-fils|petite-fille|neveu|ni[èe]ce|cousin|cousine|oncle|tante|voisin|voisine|grand-m[èe]re"
    r"|grand-p[èe]re|mamie|papi|belle-m[èe]re|beau-p[èe]re|[ée]ducateur|[ée]ducatrice|[ée]duc"
    r"|assistante\s+sociale|assistant\s+social|r[ée]f[ée]rent|r[ée]f[ée]rente|conseiller|conseill[èe]re"
    r"|m[ée]decin|docteur|psychologue|psy|infirmier|infirmi[èe]re|avocat|avocate|tuteur|tutrice"
    r"|curateur|curatrice|propri[ée]taire|patron|patronne|chef|coll[èe]gue|b[ée]n[ée]vole|dame"
    r"|monsieur|intervenante?|accompagnante?|coordinatrice|coordinateur|directeur|directrice|travailleur"
    r"\s+social|travailleuse\s+sociale|animateur|animatrice|ma[îi]tresse|prof|professeur|mentor)"
)
_RELATION_EN = (
    r"(?:son|daughter|husband|wife|partner|boyfriend|girlfriend|friend|brother|sister|mum|mom"
    r"|mother|dad|father|child|children|kids|baby|grandson|granddaughter|nephew|niece|cousin|uncle"
    r"|aunt|neighbour|neighbor|key\s?worker|support\s+worker|social\s+worker|case\s?worker|worker"
    r"|advisor|adviser|counsellor|counselor|doctor|gp|nurse|therapist|landlord|landlady|boss|manager"
    r"|teacher|carer|lawyer|solicitor|mentor|coach|volunteer|lady|guy|man|woman|officer|coordinator)"
)
_RELATION_CUE = _compile(
    rf"(?i:(?:\b(?:mon|ma|mes|notre|nos|son|sa|ses|le|la|les|un|une|votre|my|our|his|her|their"
    rf"|the|a|an)[ \t]+|\bl['’][ \t]*)"
    rf"(?:(?:nouvelle?|new|petite?|little|grande?|older|younger|eldest|youngest)[ \t]+)?"
    rf"(?:{_RELATION_FR}|{_RELATION_EN}))[ \t]*,?[ \t]*(?:\(|(?i:qui\s+s['’]appelle|called"
    rf"|named|nomm[ée]e?|pr[ée]nomm[ée]e?)[ \t]+)?(?P<name>{_NAME_SEQ})"
)
_WEAK_CUE = _compile(
    rf"(?i:\bmerci(?:[ \t]+(?:à|a|beaucoup[ \t]+à|[àa][ \t]+toi))?|\bremerci\w*"
    rf"|\bgr[âa]ce[ \t]+[àa]"
    rf"|\bavec|\bthanks?(?:[ \t]+(?:to|you))?|\bthank[ \t]+you|\bwith|\bhelped[ \t]+by|\bsaw"
    rf"|\bask(?:ed)?[ \t]+for|\bdemandez|\bdemander|\bcontact(?:ez|er)?|\bsans|\bwithout"
    rf"|\b(?:surtout|notamment|sp[ée]cialement|particuli[èe]rement)[ \t]+[àa]|\bespecially"
    rf"|\bparticularly|\bi[ \t]+am|\bi['’]m|\bje[ \t]+suis"
    rf"|\bmet|\bspoke[ \t]+(?:to|with)|\bvu|\bparl[ée][ \t]+(?:à|a|avec)|\brencontr[ée]e?"
    rf"|\bappel[ée]e?|\bcalled|\bnamed|\bnomm[ée]e?|\bpr[ée]nomm[ée]e?|\bdit[ \t]+à|\btold|\basked"
    rf"|\bpour|\bfor|\bet|\band|\bou|\bor|\bc['’]est|\bit['’]s|\bthis[ \t]+is"
    rf"|\bde[ \t]+la[ \t]+part[ \t]+de|\bfrom)[ \t]*,?[ \t]+(?P<name>{_NAME_SEQ})"
)
_TOKEN = _compile(rf"{_WORD}")
_NATIONALITY = _compile(r"(?:ienne|ien|aise|ais|aine|ain|oise|ois|ish|ese|ian|ean|ane|ine|que)s?$")
_SENTENCE_START = _compile(r"(?:^|[.!?…:;\n\"«“(]|[-–—]\s)\s*$")


@lru_cache(maxsize=64)
def _staff_pattern(names: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(full names, any case), (single parts, capitalised) for the organisation's staff."""
    full = sorted({" ".join(n.split()) for n in names if n and n.strip()}, key=len, reverse=True)
    parts = sorted(
        {
            part
            for n in full
            for part in re.split(r"[\s]+", n)
            if len(part) >= 3 and part.lower() not in _stop_words()
        },
        key=len,
        reverse=True,
    )
    full_re = (
        _compile(
            r"(?<![\w])(?:"
            + "|".join(r"[ \t]+".join(map(re.escape, n.split())) for n in full)
            + r")(?![\w])",
            re.IGNORECASE,
        )
        if full
        else None
    )
    part_alternatives = []
    for part in parts:
        part_alternatives.append(re.escape(part[:1].upper() + part[1:].lower()))
        part_alternatives.append(re.escape(part.upper()))
        part_alternatives.append(re.escape(part))
    parts_re = (
        _compile(r"(?<![\w])(?:" + "|".join(dict.fromkeys(part_alternatives)) + r")(?![\w])")
        if parts
        else None
    )
    return full_re, parts_re


# ---------------------------------------------------------------- the redactor


class _Finder:
    """Collects non-overlapping spans; the first rule to claim a character keeps it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[Span] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in self.spans)

    def add(self, start: int, end: int, kind: str) -> bool:
        while end > start and self.text[end - 1] in " \t,;:":
            end -= 1
        if end <= start or not self.free(start, end):
            return False
        self.spans.append(Span(start, end, kind))
        return True

    def add_all(self, pattern: re.Pattern[str], kind: str, group: str | int = 0) -> None:
        for match in pattern.finditer(self.text):
            if match.group(group) is not None:
                self.add(match.start(group), match.end(group), kind)

    def covered(self, position: int) -> bool:
        return any(s.start <= position < s.end for s in self.spans)


def _digits(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


# "numéro", "number", "n°" alone say nothing of the kind: a phone pattern decides first.
_GENERIC_ID_CUE = re.compile(r"(?i:num[ée]ros?|num\.|n[°º]|no\.|numbers?)")


def _find_numbers(finder: _Finder, *, generic: bool = False) -> None:
    """Identifiers: structured forms, then values after a cue.

    Called twice: first with the specific cues ("allocataire", "NHS"), which
    win over phone patterns; then, after the phones, with the generic ones.
    """
    text = finder.text
    if not generic:
        for pattern in (_IBAN, _NIR, _SSN, _NINO, _CARD):
            finder.add_all(pattern, "number")
    # A number after an identifier cue ("n° allocataire 1234567", "NHS number 943 476 5919"),
    # unless the cue is about a phone.
    for cue in _ID_CUE.finditer(text):
        if bool(_GENERIC_ID_CUE.fullmatch(cue.group())) != generic:
            continue
        window_end = min(len(text), cue.end() + 40)
        value = _ID_VALUE.search(text, cue.end(), window_end)
        if value is None or _digits(value.group()) < 5:
            continue
        between = text[cue.end() : value.start()]
        if re.search(r"[.!?\n]", between) or _PHONE_CUE.search(text[cue.start() : value.start()]):
            continue
        finder.add(value.start(), value.end(), "number")


def _find_phones(finder: _Finder) -> None:
    for pattern in _PHONE_PATTERNS:
        for match in pattern.finditer(finder.text):
            if 9 <= _digits(match.group()) <= 15:
                finder.add(match.start(), match.end(), "phone")


def _find_long_numbers(finder: _Finder) -> None:
    text = finder.text
    for match in _LONG_DIGITS.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        digits = _digits(match.group())
        looks_like_phone = match.group()[0] in "0+" and 9 <= digits <= 13
        kind = (
            "phone"
            if (_PHONE_CUE.search(before) or looks_like_phone) and digits <= 15
            else "number"
        )
        finder.add(match.start(), match.end(), kind)
    finder.add_all(_BARE_CODE, "number")


def _plausible_date(value: str) -> bool:
    """12/03/1985 or 03/25/1985 (US), not 04-78-12."""
    parts = re.split(r"[/.\-]", value)
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return True
    if len(parts[0]) == 4:
        parts = [parts[2], parts[1], parts[0]]
    first, second = int(parts[0]), int(parts[1])
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _find_dates(finder: _Finder) -> None:
    for match in _DATE_FULL.finditer(finder.text):
        if _plausible_date(match.group()):
            finder.add(match.start(), match.end(), "date")
    text = finder.text
    for cue in _BIRTH_CUE.finditer(text):
        value = _BIRTH_VALUE.match(text, cue.end())
        if value:
            finder.add(value.start(), value.end(), "date")


def _find_addresses(finder: _Finder, language: str) -> None:
    for pattern in _ADDRESS_PATTERNS:
        finder.add_all(pattern, "address")
    finder.add_all(_PLACE_FR, "place", "name")
    for match in _PLACE_EN.finditer(finder.text):
        words = match.group("name").split()
        while words and not _is_name_word(re.sub(r"['’]s$", "", words[0])):
            words.pop(0)
        if words:
            start = match.start("name") + match.group("name").index(words[0])
            finder.add(start, match.end("name"), "place")


def _at_sentence_start(text: str, position: int) -> bool:
    return bool(_SENTENCE_START.search(text[:position]))


def _is_name_word(word: str) -> bool:
    lower = word.lower().rstrip(".")
    return lower not in _stop_words() and lower not in _NOT_NAMES and len(lower) >= 2


def _extend_name(finder: _Finder, start: int, end: int) -> tuple[int, int]:
    """Take in a capitalised surname after a first name and a capitalised surname before it."""
    text = finder.text
    following = re.compile(rf"[ \t]+(?:{_PARTICLE}[ \t]+)?({_CAP})")
    for _ in range(2):
        match = following.match(text, end)
        if not match or not (
            _is_name_word(match.group(1)) or re.fullmatch(rf"[{_UP}]\.", match.group(1))
        ):
            break
        end = match.end()
    preceding = re.compile(rf"(?:^|(?<=[\s(]))([{_UP}]{{3,}})[ \t]+$")
    match = preceding.search(text, 0, start)
    if match and _is_name_word(match.group(1)):
        start = match.start(1)
    return start, end


def _add_name(finder: _Finder, start: int, end: int, *, first_word_checked: bool = True) -> None:
    value = finder.text[start:end]
    words = value.split()
    while words and not _is_name_word(words[-1]):
        end = start + value.rfind(words[-1])
        value = finder.text[start:end].rstrip()
        end = start + len(value)
        words = value.split()
    if len(words) > (0 if first_word_checked else 1) and (
        not first_word_checked or _is_name_word(words[0])
    ):
        start, end = _extend_name(finder, start, end)
        finder.add(start, end, "name")


def _find_names(finder: _Finder, extra_names: tuple[str, ...]) -> None:
    text = finder.text
    full_re, parts_re = _staff_pattern(extra_names)
    if full_re is not None:
        finder.add_all(full_re, "name")
    if parts_re is not None:
        finder.add_all(parts_re, "name")
    for match in _NAME_AFTER_TITLE.finditer(text):
        group = "name" if match.group("name") else "lname"
        if group == "lname" and (
            not _is_name_word(match.group(group).split()[0])
            or re.search(r"['’]", match.group(group))
            or re.search(
                r"(?i:\b(?:le|la|un|une|ce|cette|du|au|the|a|that))[ \t]+$",
                text[: match.start("title")],
            )
        ):
            continue
        # The title goes with the name: "Mme Dupont" becomes one placeholder.
        _add_name(finder, match.start("title"), match.end(group), first_word_checked=False)
    for match in _STRONG_CUE.finditer(text):
        # After "je m'appelle" the next words are a name even without capitals.
        words = list(_TOKEN.finditer(text, match.end()))[:2]
        if not words or words[0].start() - match.end() > 2 or not _is_name_word(words[0].group()):
            continue
        end = words[0].end()
        if (
            len(words) > 1
            and words[1].start() - end <= 1
            and text[end : words[1].start()].strip() == ""
            and _is_name_word(words[1].group())
            and (words[1].group()[0].isupper() or words[0].group()[0].islower())
            and words[1].group().lower() not in _first_names()[1]
        ):
            end = words[1].end()
        finder.add(*_extend_name(finder, words[0].start(), end), "name")
    for pattern in (_RELATION_CUE, _WEAK_CUE):
        for match in pattern.finditer(text):
            word = match.group("name").split()[0]
            if pattern is _WEAK_CUE and (
                _at_sentence_start(text, match.start())
                and match.group(0).split()[0].lower() in {"et", "and", "ou", "or", "pour", "for"}
            ):
                continue
            # "et", "pour"... before an unknown capitalised word is too weak a cue.
            if (
                pattern is _WEAK_CUE
                and word.lower() not in _any_first_name()
                and match.group(0).split()[0].lower() in {"et", "and", "ou", "or", "pour", "for"}
            ):
                continue
            # "Je suis Algérienne", "I am Polish": a nationality, unless a known first name.
            if (
                pattern is _WEAK_CUE
                and re.match(r"(?i:je|i)\b", match.group(0))
                and word.lower() not in _first_names()[0]
                and _NATIONALITY.search(word)
            ):
                continue
            if _is_name_word(word):
                _add_name(finder, match.start("name"), match.end("name"))
    _find_listed_names(finder)
    _find_enumerated_names(finder)


# After a sentence-initial word, what tells a name ("Rose m'a aidée")
# from a word ("Rose est ma couleur").
_NAME_FOLLOWER = _compile(
    rf"[ \t]*(?:m['’]|nous\b|vous\b|l['’]a\b|a[ \t]+(?:été|pris|fait|trouvé|aidé)|et[ \t]+{_CAP}"
    rf"|and[ \t]+{_CAP}|,[ \t]*{_CAP}|is[ \t]+(?:my|our|the|a|very|so|always)\b|has\b|helped\b"
    rf"|called\b|told\b|et[ \t]+moi\b|and[ \t]+(?:I|me)\b"
    rf"|,[ \t]*(?:le|la|l['’]|mon|ma|notre|the|my|our)[ \t])"
)
# The stricter version for a capitalised word that is in no list ("Bakari m'a aidé").
_UNKNOWN_NAME_FOLLOWER = _compile(
    r"[ \t]*(?:m['’]|nous[ \t]+a\b|vous[ \t]+a\b|l['’]a\b|a[ \t]+(?:été|pris|fait|trouvé|aidé)"
    r"|et[ \t]+moi\b|and[ \t]+(?:I|me)\b|helped\b|told\b|called[ \t]+me\b)"
)


def _find_listed_names(finder: _Finder) -> None:
    text = finder.text
    sure, ambiguous = _first_names()
    for token in _TOKEN.finditer(text):
        word = token.group()
        token_end = token.end()
        if word[-2:] in ("'s", "’s"):
            word = word[:-2]
            token_end -= 2
        if finder.covered(token.start()):
            continue
        parts = re.split(r"[-'’]", word)
        lower = word.lower()
        if lower in _NOT_NAMES or lower in _stop_words() or len(word) < 3:
            continue
        capitalised = word[:1].isupper()
        known = lower in sure or (
            len(parts) == 2 and all(p.lower() in _any_first_name() for p in parts)
        )
        if known and (capitalised or len(word) >= 4):
            if not capitalised and (lower in ambiguous or "'" in word or "’" in word):
                continue
            start, end = _extend_name(finder, token.start(), token_end)
            finder.add(start, end, "name")
        elif (
            capitalised
            and not word.isupper()
            and lower not in ambiguous
            and _at_sentence_start(text, token.start())
            and not re.search(r"['’]", word)
            and _UNKNOWN_NAME_FOLLOWER.match(text, token_end)
        ):
            start, end = _extend_name(finder, token.start(), token_end)
            finder.add(start, end, "name")
        elif lower in ambiguous and capitalised and not word.isupper():
            start, end = _extend_name(finder, token.start(), token_end)
            if (
                end > token_end
                or not _at_sentence_start(text, token.start())
                or _NAME_FOLLOWER.match(text, token_end)
            ):
                finder.add(start, end, "name")


_ENUMERATION = _compile(rf"[ \t]*(?:,|&|\bet\b|\band\b)[ \t]*(?P<name>{_CAP})")


def _find_enumerated_names(finder: _Finder) -> None:
    """ "Inaya et Wassim", "Tom, Jess and Ali": a capitalised word listed with a name is one too."""
    changed = True
    while changed:
        changed = False
        for span in [s for s in finder.spans if s.kind == "name"]:
            match = _ENUMERATION.match(finder.text, span.end)
            if (
                match
                and _is_name_word(match.group("name"))
                and finder.add(match.start("name"), match.end("name"), "name")
            ):
                changed = True


def find_personal_data(
    text: str, language: str = "fr", *, extra_names: Iterable[str] = ()
) -> list[Span]:
    """The spans of ``text`` that :func:`redact` replaces, sorted, never overlapping."""
    if language not in PLACEHOLDERS:
        raise ValueError(f"language must be one of {sorted(PLACEHOLDERS)}, not {language!r}")
    finder = _Finder(text)
    _find_emails(finder)
    _find_numbers(finder)
    _find_phones(finder)
    _find_numbers(finder, generic=True)
    _find_addresses(finder, language)
    _find_dates(finder)
    _find_long_numbers(finder)
    _find_names(finder, tuple(sorted({n for n in extra_names if n})))
    return _merge(sorted(finder.spans), text)


def _find_emails(finder: _Finder) -> None:
    finder.add_all(_EMAIL, "email")


def _merge(spans: list[Span], text: str) -> list[Span]:
    """One placeholder for "Fatou Diallo" or "12 rue X, 69003 Lyon", not two side by side."""
    merged: list[Span] = []
    for span in spans:
        if (
            merged
            and merged[-1].kind == span.kind
            and span.kind in ("name", "address")
            and re.fullmatch(r"[ \t,]*", text[merged[-1].end : span.start])
        ):
            merged[-1] = Span(merged[-1].start, span.end, span.kind)
        else:
            merged.append(span)
    return merged


def redact(text: str, language: str = "fr", *, extra_names: Iterable[str] = ()) -> str:
    """``text`` with its personal data replaced by placeholders in ``language`` ("fr" or "en").

    Everything outside the replaced spans is returned unchanged, character for
    character. ``extra_names`` are full names ("Claire Petit") always taken out,
    whole or in part: the organisation's staff.

    >>> redact("Merci à Mme Dupont, appelez-moi au 06 12 34 56 78")
    'Merci à Mme [nom], appelez-moi au [téléphone]'
    """
    if not isinstance(text, str):
        raise TypeError(f"redact expects text (str), not {type(text).__name__}")
    placeholders = PLACEHOLDERS.get(language)
    if placeholders is None:
        raise ValueError(f"language must be one of {sorted(PLACEHOLDERS)}, not {language!r}")
    pieces: list[str] = []
    position = 0
    for span in find_personal_data(text, language, extra_names=extra_names):
        pieces.append(text[position : span.start])
        pieces.append(placeholders[span.kind])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)
