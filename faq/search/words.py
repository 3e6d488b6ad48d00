"""Words: cleaning a query, cutting a text into words, and stemming them, in English or Spanish.

English words are stemmed as PostgreSQL's `english` configuration does. Spanish words lose
their accents first ("isotretinoína" and "isotretinoina" are one word, as "ñ" and "n" are),
then are stemmed: as PostgreSQL's `spanish_unaccent` configuration does (faq migration 0007:
unaccent, then the Spanish Snowball stemmer).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer

# Longer than any real question; a pasted essay is cut here before anything else happens.
MAX_QUERY_LENGTH = 200
# A search looks for at most this many separate words or phrases.
MAX_CONCEPTS = 8
# The excerpt of an answer shown with each hit, in characters (about two lines).
EXCERPT_LENGTH = 200
# Words too common to tell one answer from another. PostgreSQL's English list (so that no word
# the search keeps is one PostgreSQL would ignore), and the filler of patients' questions.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
    many much also would could may might must shall get gets getting got need needs want
    wants please tell know im ive id dont cant wont isnt doesnt didnt shouldnt whats thats
    like us able ok okay
    """.split()  # noqa: SIM905 - a list of words reads best as words
)
# A word: letters and digits, possibly joined by hyphens or apostrophes (anti-viral, AHA's).
_WORD = re.compile(r"[^\W_]+(?:[-'\u2019][^\W_]+)*")
# Characters that are never text: control characters (NUL included), surrogates, unassigned.
_NOT_TEXT = {"Cc", "Cf", "Cs", "Co", "Cn"}

_ENGLISH = snowballstemmer.stemmer("english")
_SPANISH = snowballstemmer.stemmer("spanish")


def fold_accents(text: str) -> str:
    """Text without its accents, as PostgreSQL's unaccent makes it: "pequeña" -> "pequena"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# PostgreSQL's Spanish list (its tsearch_data/spanish.stop, without accents, as the words
# reach it after unaccent), and the filler of patients' questions.
SPANISH_STOP_WORDS = frozenset(
    fold_accents(word)
    for word in """
    de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o
    este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo
    nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos
    yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas
    algunas algo nosotros mi mis tú te ti tu tus ellas nosotras vosostros vosostras os mío mía
    míos mías tuyo tuya tuyos tuyas suyo suya suyos suyas nuestro nuestra nuestros nuestras
    vuestro vuestra vuestros vuestras esos esas estoy estás está estamos estáis están esté estés
    estemos estéis estén estaré estarás estará estaremos estaréis estarán estaría estarías
    estaríamos estaríais estarían estaba estabas estábamos estabais estaban estuve estuviste
    estuvo estuvimos estuvisteis estuvieron estuviera estuvieras estuviéramos estuvierais
    estuvieran estuviese estuvieses estuviésemos estuvieseis estuviesen estando estado estada
    estados estadas estad he has ha hemos habéis han haya hayas hayamos hayáis hayan habré
    habrás habrá habremos habréis habrán habría habrías habríamos habríais habrían había habías
    habíamos habíais habían hube hubiste hubo hubimos hubisteis hubieron hubiera hubieras
    hubiéramos hubierais hubieran hubiese hubieses hubiésemos hubieseis hubiesen habiendo
    habido habida habidos habidas soy eres es somos sois son sea seas seamos seáis sean seré
    serás será seremos seréis serán sería serías seríamos seríais serían era eras éramos erais
    eran fui fuiste fue fuimos fuisteis fueron fuera fueras fuéramos fuerais fueran fuese
    fueses fuésemos fueseis fuesen sintiendo sentido sentida sentidos sentidas siente sentid
    tengo tienes tiene tenemos tenéis tienen tenga tengas tengamos tengáis tengan tendré
    tendrás tendrá tendremos tendréis tendrán tendría tendrías tendríamos tendríais tendrían
    tenía tenías teníamos teníais tenían tuve tuviste tuvo tuvimos tuvisteis tuvieron tuviera
    tuvieras tuviéramos tuvierais tuvieran tuviese tuvieses tuviésemos tuvieseis tuviesen
    teniendo tenido tenida tenidos tenidas tened
    puedo puede pueden podría cuánto cuánta cuántos cuántas cómo cuál cuáles dónde debo debe
    deben necesito necesita quiero quisiera saber hacer tener poder ir va voy favor hola usted
    ustedes
    """.split()  # noqa: SIM905 - a list of words reads best as words
)


def is_stop_word(word: str, language: str = "en") -> bool:
    """Whether a word of a query says nothing about its subject ("how", "cómo")."""
    if language == "es":
        return fold_accents(word) in SPANISH_STOP_WORDS
    return word.replace("'", "") in STOP_WORDS or word in STOP_WORDS

# ts_rank's weights for PostgreSQL's labels A (titles) and B (answers), used here as well.
TITLE_WEIGHT = 1.0
BODY_WEIGHT = 0.4


# --- Words -----------------------------------------------------------------------------------


def clean_query(text: str) -> str:
    """The query as it may be shown and searched: no control characters (a NUL byte would make
    PostgreSQL fail), one space between words, at most MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_LENGTH * 4])
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _NOT_TEXT or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def words_of(text: str) -> list[str]:
    """The words of `text`, lower case: "AHA's anti-viral" -> ["aha's", "anti-viral"]."""
    return [word.casefold().replace("\u2019", "'") for word in _WORD.findall(text)]


# Searching on SQLite stems every word of the content on every search: each word's stem is
# kept (the content has a few thousand distinct words; queries add their own, up to the bound).
@functools.lru_cache(maxsize=20_000)
def stem(word: str, language: str = "en") -> str:
    """The English Snowball stem of a word, as PostgreSQL's `english` configuration makes it
    (the same algorithm), so both databases find the same hits: treatments, treating ->
    treatment, treat; scarring, scars -> scar; anti-viral, antiviral -> antivir; AHA's -> aha.

    In Spanish, the stem of the word without accents, as `spanish_unaccent` makes it:
    sesiones, sesión, sesion -> sesion; isotretinoína -> isotretinoin.
    """
    if language == "es":
        return _spanish_stem(word)
    word = word.casefold().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "").replace("-", "")
    if not word.isalpha():
        return word
    return _ENGLISH.stemWord(word)


def _spanish_stem(word: str) -> str:
    word = fold_accents(word.casefold()).replace("\u2019", "'").replace("'", "")
    word = word.replace("-", "")
    if not word.isalpha():
        return word
    return _SPANISH.stemWord(word)


@dataclass(frozen=True)
class Slot:
    """One word of a text, where it is, and the stems it answers to (a hyphenated word answers
    to the whole and to each part: "micro-needles" to microneedl, micro and needl)."""

    start: int
    end: int
    stems: frozenset[str]


def slots_of(text: str, language: str = "en") -> list[Slot]:
    slots = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        stems = {stem(word, language)}
        if "-" in word:
            stems.update(stem(part, language) for part in word.split("-") if part)
        slots.append(Slot(match.start(), match.end(), frozenset(stems)))
    return slots
