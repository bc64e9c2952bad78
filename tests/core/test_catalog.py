"""The Chinese catalog is complete: no entry untranslated or fuzzy (a fuzzy entry is not used,
so the page would show English)."""

import json
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        strings, key = {}, None
        for line in lines:
            if line.startswith(("msgid ", "msgid_plural ", "msgstr")):
                key, _space, rest = line.partition(" ")
                strings[key] = json.loads(rest)
            elif line.startswith('"') and key:
                strings[key] += json.loads(line)
        if strings.get("msgid"):
            yield strings, flags


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated, fuzzy, count = [], [], 0
    for strings, flags in _entries():
        count += 1
        if "fuzzy" in flags:
            fuzzy.append(strings["msgid"])
        if not any(v for k, v in strings.items() if k.startswith("msgstr")):
            untranslated.append(strings["msgid"])
    assert count > 600
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
