"""Chinese first: every zh_Hans catalog is complete, and Simplified Chinese is what a new visitor gets.

The catalogs are read with GNU gettext's own tools (installed for compilemessages anyway), so that
this test and msgfmt agree on what counts as untranslated or fuzzy.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOG = Path("locale", "zh_Hans", "LC_MESSAGES", "django.po")
SKIPPED_DIRS = {".venv", "venv", "node_modules", ".git", "var", "static"}


def zh_hans_catalogs() -> list[Path]:
    """The project's catalog and each app's, wherever the app lives in the repository."""
    found = []
    for directory, subdirs, _files in os.walk(ROOT):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        if (Path(directory) / CATALOG).is_file():
            found.append((Path(directory) / CATALOG).relative_to(ROOT))
    return found


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: install GNU gettext (`apt-get install -y gettext`).", pytrace=False)
    return path


def msgids(po_text: str) -> list[str]:
    """The msgids of a PO text as written in the file (escapes kept), without the header."""
    ids, current = [], None
    for line in po_text.splitlines():
        if line.startswith('msgid "'):
            current = [line[len('msgid "') : -1]]
        elif current is not None and line.startswith('"'):
            current.append(line[1:-1])
        elif current is not None:
            ids.append("".join(current))
            current = None
    if current is not None:
        ids.append("".join(current))
    return [msgid for msgid in ids if msgid]


def entries_with(option: str, catalog: Path) -> list[str]:
    result = subprocess.run(
        [gettext_tool("msgattrib"), option, "--no-obsolete", "--no-wrap", str(ROOT / catalog)],
        capture_output=True,
        text=True,
        check=True,
    )
    return msgids(result.stdout)


def test_the_project_has_a_zh_hans_catalog():
    assert (ROOT / CATALOG).is_file(), f"{CATALOG} is missing: run `manage.py makemessages -l zh_Hans`"


@pytest.mark.parametrize("catalog", zh_hans_catalogs(), ids=str)
def test_it_has_no_untranslated_entries(catalog):
    untranslated = entries_with("--untranslated", catalog)
    assert not untranslated, f"{catalog}: {len(untranslated)} untranslated: " + "; ".join(untranslated)


@pytest.mark.parametrize("catalog", zh_hans_catalogs(), ids=str)
def test_it_has_no_fuzzy_entries(catalog):
    # msgfmt leaves fuzzy entries out of the .mo file, so a fuzzy entry shows in English.
    fuzzy = entries_with("--only-fuzzy", catalog)
    assert not fuzzy, f"{catalog}: {len(fuzzy)} fuzzy: " + "; ".join(fuzzy)


@pytest.mark.parametrize("catalog", zh_hans_catalogs(), ids=str)
def test_its_placeholders_match_the_source(catalog):
    result = subprocess.run(
        [gettext_tool("msgfmt"), "--check-format", "-o", os.devnull, str(ROOT / catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{catalog}:\n{result.stderr}"


def test_msgids_reads_continued_and_plural_entries():
    po = (
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"line"\nmsgstr ""\n\n'
        'msgid "%(n)s household"\nmsgid_plural "%(n)s households"\nmsgstr[0] ""\n'
    )
    assert msgids(po) == ["Long line", "%(n)s household"]


@pytest.mark.django_db
def test_a_new_visitor_gets_simplified_chinese(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert re.search(r'<html[^>]*\blang="zh-hans"', response.content.decode()), "login page is not lang=zh-hans"
