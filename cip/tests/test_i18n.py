import re
from pathlib import Path

import pytest
from django.urls import reverse

from core.testing import logged_in

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[0\])? ""\n?$', e.strip().split("\n")[-1])]
    assert untranslated == []


@pytest.mark.django_db
def test_pages_speak_traditional_chinese(users):
    content = logged_in(users.staff).get(reverse("cip:risk-matrix")).content.decode()
    assert "風險矩陣" in content and "可能性" in content
