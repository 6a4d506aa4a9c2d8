"""The English catalog: complete, not fuzzy, and actually used at run time."""
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.nip import validate_nip

PO_FILE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def _unquote(line: str) -> str:
    text = line.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a quoted string: {line!r}"
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgstr and flags; a plural entry also has
    msgid_plural, and its msgstr[0] is read as msgstr, msgstr[1] as "msgstr[1]"."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgstr": "", "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            field, _, rest = line.partition(" ")
            field = "msgstr" if field == "msgstr[0]" else field
            entry[field] = _unquote(rest)
        else:
            entry[field] += _unquote(line)
    return entries


def test_english_catalog_is_complete_and_not_fuzzy():
    entries = read_po(PO_FILE)
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 100
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not [e["msgid"] for e in messages if not e["msgstr"].strip()]
    assert not [e["msgid"] for e in messages if "msgid_plural" in e and not e.get("msgstr[1]", "").strip()]
    for e in messages:
        assert sorted(PLACEHOLDER.findall(e["msgid"])) == sorted(PLACEHOLDER.findall(e["msgstr"])), e["msgid"]

    with translation.override("en"):
        for msgid in ("Kasus ini sudah selesai; tidak ada langkah yang dapat dikerjakan.", "Kasus tidak ditemukan."):
            assert translation.gettext(msgid) != msgid


def test_nip_error_is_english_when_english_is_active():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_nip("1972")
    message = raised.value.messages[0]
    assert "18 digits" in message and "4 digits were entered" in message

    with translation.override("id"), pytest.raises(ValidationError) as raised:
        validate_nip("1972")
    assert "18 angka" in raised.value.messages[0]
