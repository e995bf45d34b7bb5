"""How a sheet's columns map onto a model: headers with their synonyms, and a parser per column.

Each import kind declares its columns in its own app's ``resources.py`` (``HOUSEHOLD_COLUMNS`` in
relocation, ``LEDGER_COLUMNS`` in monitoring); this module finds the header row of a real
workbook (title rows above it, synonyms, stray spaces and 必填 marks) and names each column.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .cells import text_of

HEADER_SEARCH_ROWS = 30
BRACKETS = re.compile(r"[（(][^）)]*[）)]")
MARKS = re.compile(r"[\s*＊:：※]|必填|选填")


@dataclass
class Column:
    attr: str
    header: str  # a lazy translation: the canonical Chinese header of the template
    parse: Callable
    synonyms: tuple[str, ...] = ()
    required: bool = False
    example: object = ""
    choices: list[str] | None = None  # labels offered in the template's drop-down list
    help: str = ""


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", text_of(value))
    return MARKS.sub("", text).lower()


@dataclass
class Spec:
    kind: str
    title: str
    columns: list[Column]
    key: tuple[str, ...]  # the attributes a row is matched on
    alternative_key: tuple[str, ...] = ()  # matched on these when the key columns are absent
    _names: dict[str, str] = field(default_factory=dict)

    def names(self) -> dict[str, str]:
        """Every accepted header spelling (normalised) -> attribute."""
        if not self._names:
            from django.utils import translation

            for column in self.columns:
                spellings = [*column.synonyms, column.attr]
                for language in ("zh-hans", "en"):
                    with translation.override(language):
                        spellings.append(str(column.header))
                for spelling in spellings:
                    name = normalise_header(spelling)
                    self._names.setdefault(name, column.attr)
                    self._names.setdefault(BRACKETS.sub("", name), column.attr)
        return self._names

    def match(self, header_cells: list) -> dict[int, str]:
        """Column index -> attribute for the header cells this spec recognises."""
        names = self.names()
        found: dict[int, str] = {}
        taken = set()
        for index, cell in enumerate(header_cells):
            name = normalise_header(cell)
            if not name:
                continue
            attr = names.get(name) or names.get(BRACKETS.sub("", name))
            if attr and attr not in taken:
                found[index] = attr
                taken.add(attr)
        return found

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, attr: str) -> Column:
        return next(c for c in self.columns if c.attr == attr)

    def recognises(self, mapping: dict[int, str]) -> bool:
        """A sheet is of this kind when its header names the key columns and most required ones."""
        attrs = set(mapping.values())
        required = {c.attr for c in self.required}
        keyed = set(self.key) <= attrs or bool(self.alternative_key and set(self.alternative_key) <= attrs)
        return keyed and len(attrs & required) >= max(2, len(required) - 2)


def find_header(rows: list[tuple[int, list]], specs: list[Spec]) -> tuple[Spec, int, dict[int, str]] | None:
    """The spec, header row position and column mapping that fit the first rows of a sheet best."""
    best = None
    for position, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for spec in specs:
            mapping = spec.match(cells)
            if spec.recognises(mapping) and (best is None or len(mapping) > len(best[2])):
                best = (spec, position, mapping)
    return best


def label(model, attr: str):
    """A column's header: the model field's verbose name, already translated in its app's catalog."""
    return model._meta.get_field(attr).verbose_name
