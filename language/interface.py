"""The interface's languages: message catalogues (gettext, written as .po files under
language/locales/) and numbers, percentages and dates as each language writes them (Babel).

English is the source language: a message is its English text. Finnish and Swedish come from
`locales/<code>/LC_MESSAGES/oivallus.po`, compiled in memory when first asked for (no build
step). The words of the product are fixed in docs/glossary.md.
"""

from __future__ import annotations

import gettext
import io
import threading
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "oivallus"
LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}  # code -> its own name
DEFAULT = "en"
DATE_PATTERNS = {"fi": "d.M.yyyy", "sv": "yyyy-MM-dd", "en": "d MMM yyyy"}
TIME_PATTERNS = {"fi": "H.mm", "sv": "HH:mm", "en": "HH:mm"}  # 14.03 in Finnish
DATE_INPUTS = {"fi": "DD.MM.YYYY", "sv": "YYYY-MM-DD", "en": "YYYY/MM/DD"}  # as a date field shows
BUTTON = "button"  # the gettext context of a verb on a button (Interface.action)
_LOADED: dict[str, gettext.NullTranslations] = {}
_LOCK = threading.Lock()


def catalogue_path(code: str) -> Path:
    """The .po file of a language."""
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def supported(code: str | None) -> str | None:
    """The supported language a code or browser locale names ("fi-FI" -> "fi"), else None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def translations(code: str) -> gettext.NullTranslations:
    """The catalogue of a language, loaded once per process (English: the messages as they are)."""
    with _LOCK:
        if code not in _LOADED:
            path = catalogue_path(code)
            if code == DEFAULT or not path.exists():
                _LOADED[code] = gettext.NullTranslations()
            else:
                with open(path, "rb") as handle:
                    catalog = read_po(handle, locale=code, domain=DOMAIN)
                compiled = io.BytesIO()
                write_mo(compiled, catalog)
                compiled.seek(0)
                _LOADED[code] = gettext.GNUTranslations(compiled)
        return _LOADED[code]


class Interface:
    """What one person reads, in their language: messages, numbers, percentages and dates."""

    def __init__(self, code: str = DEFAULT) -> None:
        self.code = supported(code) or DEFAULT
        self.locale = Locale.parse(self.code)
        self._catalogue = translations(self.code)

    @property
    def date_input_format(self) -> str:
        """How a date field shows its date in this language (DD.MM.YYYY in Finnish)."""
        return DATE_INPUTS[self.code]

    def chart_numbers(self) -> str:
        """A Vega label expression writing a chart axis's numbers as this language does
        (20 000 and 0,5 in Finnish: "20,000" reads as twenty there). Every group is replaced,
        and a half step keeps its decimal (',d' wrote 0.5 as "1" beside the real 1)."""
        group = babel_numbers.get_group_symbol(self.locale)
        decimal = babel_numbers.get_decimal_symbol(self.locale)
        english = "format(datum.value, ',')"
        grouped = f"replace({english}, regexp(',', 'g'), '{group}')"
        return f"replace({grouped}, regexp('\\\\.', 'g'), '{decimal}')"

    def text(self, message: str, **values: object) -> str:
        """A message in this language, its `{placeholders}` filled as given (format numbers
        with `number`: an id is not a count)."""
        translated = self._catalogue.gettext(message)
        return translated.format(**values) if values else translated

    def action(self, message: str, **values: object) -> str:
        """A message on a button, where a language tells a verb from the noun English spells
        alike ("Import": the page is "Tuonti", its button "Tuo"); gettext context "button"."""
        translated = self._catalogue.pgettext(BUTTON, message)
        return translated.format(**values) if values else translated

    def plural(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The form of a message for `count` (`{count}` is filled in too, as a number)."""
        translated = self._catalogue.ngettext(singular, plural, count)
        return translated.format(count=self.number(count), **values)

    def number(self, value: float | int, decimals: int | None = None) -> str:
        """1 234,5 in Finnish, 1,234.5 in English; `decimals` fixes the decimals shown."""
        if decimals is None:
            return babel_numbers.format_decimal(value, locale=self.locale)
        shape = "#,##0" + ("." + "0" * decimals if decimals else "")
        rounded = round(float(value), decimals) + 0.0  # never "-0,00"
        return babel_numbers.format_decimal(rounded, format=shape, locale=self.locale)

    def percent(self, share: float, decimals: int = 0) -> str:
        """A share 0..1 as a percentage: 12 % in Finnish, 12% in English."""
        shape = self.locale.percent_formats[None].pattern  # "#,##0 %" in Finnish
        if decimals:
            shape = shape.replace("#,##0", "#,##0." + "0" * decimals, 1)
        rounded = round(float(share), decimals + 2) + 0.0
        return babel_numbers.format_percent(rounded, format=shape, locale=self.locale)

    def day(self, value: date | datetime | None) -> str:
        """A date as people here write it: 5.12.2026 in Finnish, 2026-12-05 in Swedish,
        5 Dec 2026 in English."""
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.date()
        return babel_dates.format_date(value, DATE_PATTERNS[self.code], locale=self.locale)

    def month(self, value: date | datetime | None) -> str:
        """A month as people here name it: elokuu 2026, augusti 2026, August 2026."""
        if value is None:
            return ""
        return babel_dates.format_date(value, "LLLL yyyy", locale=self.locale)

    def language_name(self, code: str | None) -> str:
        """A language by its name in this language ("fi" -> "suomi", "englanti"); an unknown
        code as it is."""
        if not code:
            return ""
        try:
            return Locale.parse(code).get_display_name(self.locale) or code
        except (ValueError, TypeError, UnknownLocaleError):  # not a locale babel knows
            return code

    def moment(self, value: datetime | None) -> str:
        """A date with its time of day: 5.12.2026 14.03 in Finnish, 2026-12-05 14:03 in
        Swedish, 5 Dec 2026 14:03 in English."""
        if value is None:
            return ""
        clock = babel_dates.format_time(value, TIME_PATTERNS[self.code], locale=self.locale)
        return f"{self.day(value)} {clock}"
