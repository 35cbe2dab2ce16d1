"""Every catalogue is complete: zh-Hant is the default language, so an untranslated string is a defect."""

from pathlib import Path

import pytest

from scripts.compilemessages import SKIP, parse_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.rglob("zh_Hant/LC_MESSAGES/django.po") if not SKIP & set(p.relative_to(ROOT).parts))


def entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every entry but the header."""
    import ast

    result, msgid, msgstr, fuzzy, section = [], None, None, False, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, section = ast.literal_eval(line[6:]), "id"
        elif line.startswith("msgstr"):
            msgstr, section = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith('"') and section == "id":
            msgid += ast.literal_eval(line)
        elif line.startswith('"') and section == "str":
            msgstr += ast.literal_eval(line)
        elif not line.strip() and msgid is not None:
            if msgid:
                result.append((msgid, msgstr, fuzzy))
            msgid, msgstr, fuzzy, section = None, None, False, None
    return result


def test_there_are_catalogues():
    assert CATALOGUES, "no zh_Hant catalogue found"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    untranslated = [msgid for msgid, msgstr, fuzzy in entries(path) if not msgstr or fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated in {path.relative_to(ROOT)}: {untranslated[:5]}"
    assert parse_po(path)  # compiles
