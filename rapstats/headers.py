"""Export header words in every language rapstats reads: one table per language (a shared leaf).

Microsoft Forms and Google Forms translate their metadata headers into the language of the
organisation's account (``Heure de début``, ``Amser dechrau``, ``Startzeit``); people who
make a form or a sheet by hand name their e-mail and name columns in their own language. The
loader (:mod:`rapstats.io`) detects the platform and the personal-data columns from these
words, inference (:mod:`rapstats.spec.infer`) the timestamp and the metadata columns.

Each :class:`HeaderWords` lists, for one language, the headers (whole, as exported):

* ``msforms``: the first three headers of a Microsoft Forms workbook (ID, Start time,
  Completion time), and ``msforms_more`` its other metadata (Last modified time...);
* ``timestamp``: the first header of a Google Forms sheet;
* ``email``, ``name``, ``contact``: e-mail address, person's name, and other contact or
  location columns (phone, IP address, postcode) - always personal data.

Matching folds case, accents, spaces, dashes, dots and underscores (:func:`header_key`), so
``E-Mail-Adresse``, ``e-mail adresse`` and ``EMAIL_ADRESSE`` are one header, and
``Heure de debut`` (accents lost by a re-save) is ``Heure de début``.

Notes
-----
The English headers are those of public samples (see /work/shared/formats/EXPORTS.md);
the translations are the platforms' interface words in each language as far as we know them,
**not confirmed** against the vendors' own lists: add a variant here when an export shows one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HeaderWords:
    """The export headers of one language (see the module docstring)."""

    msforms: tuple[str, str, str]
    msforms_more: tuple[str, ...]
    timestamp: tuple[str, ...]
    email: tuple[str, ...]
    name: tuple[str, ...]
    contact: tuple[str, ...]


LANGUAGES: dict[str, HeaderWords] = {
    "en": HeaderWords(
        msforms=("ID", "Start time", "Completion time"),
        msforms_more=("Last modified time", "Total points"),
        timestamp=("Timestamp",),
        email=("Email", "Email address", "E-mail", "E-mail address"),
        name=(
            "Name",
            "Full name",
            "First name",
            "Last name",
            "Surname",
            "Forename",
            "Forenames",
            "Given name",
            "Family name",
            "Your name",
            "Respondent name",
        ),
        contact=(
            "Phone",
            "Phone number",
            "Telephone",
            "Telephone number",
            "Mobile",
            "Mobile number",
            "Tel",
            "IP address",
            "IP",
            "Latitude",
            "Longitude",
            "Lat",
            "Lon",
            "Lng",
            "Location latitude",
            "Location longitude",
            "External reference",
            "External data reference",
            "External ref",
        ),
    ),
    "cy": HeaderWords(  # Welsh
        msforms=("ID", "Amser dechrau", "Amser cwblhau"),
        msforms_more=("Amser addasu diwethaf", "Cyfanswm pwyntiau"),
        timestamp=("Stamp amser", "Stamp-amser"),
        email=("E-bost", "Cyfeiriad e-bost"),
        name=("Enw", "Enw llawn", "Enw cyntaf", "Cyfenw", "Eich enw"),
        contact=("Ffôn", "Rhif ffôn", "Rhif ffôn symudol", "Cyfeiriad IP", "Cod post"),
    ),
    "fr": HeaderWords(
        msforms=("ID", "Heure de début", "Heure de fin"),
        msforms_more=("Heure de la dernière modification", "Total des points"),
        timestamp=("Horodateur", "Horodatage"),
        email=("Adresse de messagerie", "Adresse e-mail", "Adresse électronique", "Courriel"),
        name=("Nom", "Nom complet", "Prénom", "Nom de famille", "Votre nom"),
        contact=("Téléphone", "Numéro de téléphone", "Portable", "Adresse IP", "Code postal"),
    ),
    "de": HeaderWords(
        msforms=("ID", "Startzeit", "Fertigstellungszeit"),
        msforms_more=("Letzte Änderung", "Gesamtpunktzahl"),
        timestamp=("Zeitstempel",),
        email=("E-Mail", "E-Mail-Adresse", "Mailadresse"),
        name=("Name", "Vollständiger Name", "Vorname", "Nachname", "Ihr Name"),
        contact=("Telefon", "Telefonnummer", "Handynummer", "IP-Adresse", "Postleitzahl"),
    ),
    "es": HeaderWords(
        msforms=("Id.", "Hora de inicio", "Hora de finalización"),
        msforms_more=("Hora de la última modificación", "Total de puntos"),
        timestamp=("Marca temporal", "Marca de tiempo"),
        email=("Correo electrónico", "Dirección de correo electrónico", "Correo"),
        name=("Nombre", "Nombre completo", "Apellido", "Apellidos", "Su nombre"),
        contact=("Teléfono", "Número de teléfono", "Móvil", "Dirección IP", "Código postal"),
    ),
    "pl": HeaderWords(
        msforms=("Identyfikator", "Godzina rozpoczęcia", "Godzina ukończenia"),
        msforms_more=("Godzina ostatniej modyfikacji", "Łączna liczba punktów"),
        timestamp=("Sygnatura czasowa",),
        email=("Adres e-mail", "E-mail", "Poczta e-mail"),
        name=("Imię", "Nazwisko", "Imię i nazwisko", "Nazwa", "Twoje imię"),
        contact=("Telefon", "Numer telefonu", "Adres IP", "Kod pocztowy"),
    ),
}

_SEPARATORS = re.compile(r"[\s_\-.]+")


def header_key(name: str) -> str:
    """A header folded for matching: case, accents, spaces, dashes, dots, underscores ignored.

    Examples
    --------
    >>> header_key(" E-Mail-Adresse ") == header_key("email adresse")
    True
    >>> header_key("Heure de début")
    'heurededebut'
    """
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS.sub("", text.replace("ł", "l"))


def _keys(field: str) -> frozenset[str]:
    return frozenset(header_key(w) for words in LANGUAGES.values() for w in getattr(words, field))


MSFORMS_STARTS: frozenset[tuple[str, ...]] = frozenset(
    tuple(header_key(w) for w in words.msforms) for words in LANGUAGES.values()
)
MSFORMS_METADATA: frozenset[str] = _keys("msforms") | _keys("msforms_more")
TIMESTAMPS: frozenset[str] = _keys("timestamp")
PERSONAL: frozenset[str] = _keys("email") | _keys("name") | _keys("contact")


def _english() -> dict[str, str]:
    en = LANGUAGES["en"]
    out = {}
    for words in LANGUAGES.values():
        pairs = [*zip(words.msforms, en.msforms, strict=True)]
        pairs += zip(words.msforms_more, en.msforms_more, strict=True)
        pairs += [(w, en.timestamp[0]) for w in words.timestamp]
        out |= {header_key(w): " ".join(e.casefold().split()) for w, e in pairs}
    return out


#: Every metadata header of :data:`LANGUAGES` (as :func:`header_key` folds it) -> the English
#: header, lower case: inference reads ``Heure de fin`` as ``completion time``.
ENGLISH: dict[str, str] = _english()


__all__ = [
    "ENGLISH",
    "LANGUAGES",
    "MSFORMS_METADATA",
    "MSFORMS_STARTS",
    "PERSONAL",
    "TIMESTAMPS",
    "HeaderWords",
    "header_key",
]
