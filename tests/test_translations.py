"""The Simplified Chinese catalogue: complete, compiled, current, and what users see.

The .po file is read with a small parser here so that the suite needs no extra package.
"""

import ast
import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_id_number
from tests.mediation.test_views_intake import INTAKE_URL, intake_data

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "mediation" / "locale"
PO_FILE = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The command that generates the catalogue, exactly as the translators run it.
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "-l",
    "zh_Hans",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
    "--ignore=bench",
]


@dataclasses.dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = dataclasses.field(default_factory=dict)
    flags: set[str] = dataclasses.field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    """A PO string literal ("...") as Python text; PO escapes are C escapes."""
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a PO string: {text!r}"
    # Only the escapes gettext writes (\\ \" \n \t) occur; ast reads them as Python does.
    return ast.literal_eval(text)


def parse_po(text: str) -> list[Entry]:
    """Every entry of a PO file, the header (msgid "") included, in file order."""
    entries: list[Entry] = []
    entry = Entry()
    field: tuple[str, int] | None = None  # the keyword a continued string belongs to

    def finish():
        nonlocal entry, field
        if field is not None:
            entries.append(entry)
        entry, field = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            # An obsolete entry: kept by gettext for reference, never shown.
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if field is not None and field[0] == "msgstr":
                finish()  # a comment after a msgstr opens the next entry
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert field is not None, f"a string continues nothing: {raw!r}"
            name, index = field
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and field is not None and field[0] == "msgstr":
            finish()  # a new entry with no blank line before it
        entry.obsolete = entry.obsolete or obsolete
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, _unquote(rest))
            field = (keyword, 0)
        elif keyword == "msgstr" or re.fullmatch(r"msgstr\[\d+\]", keyword):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            entry.msgstr[index] = _unquote(rest)
            field = ("msgstr", index)
        else:
            raise AssertionError(f"unknown PO line: {raw!r}")
    finish()
    return entries


def catalogue(path: Path = PO_FILE) -> list[Entry]:
    """The live entries of the catalogue, without the header and obsolete entries."""
    return [e for e in parse_po(path.read_text("utf-8")) if e.msgid and not e.obsolete]


def test_the_po_parser_reads_multiline_plural_context_and_fuzzy_entries():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Two \\"lines\\"\\n"\n"joined"\n'
        'msgstr "两行"\n\n'
        'msgctxt "list separator"\nmsgid ", "\nmsgstr "、"\n\n'
        'msgid "%d case"\nmsgid_plural "%d cases"\nmsgstr[0] ""\n"%d件"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "旧"\n'
    )
    header, multi, ctx, plural, gone = entries
    assert header.msgid == "" and header.msgstr == {0: "Language: zh_Hans\n"}
    assert multi.msgid == 'Two "lines"\njoined' and multi.msgstr == {0: "两行"}
    assert multi.flags == {"fuzzy", "python-format"}
    assert ctx.key == ("list separator", ", ") and ctx.msgstr == {0: "、"}
    assert plural.msgid_plural == "%d cases" and plural.msgstr == {0: "%d件"}
    assert gone.obsolete and gone.msgid == "Gone"


def test_the_catalogue_header_declares_chinese_with_one_plural_form():
    header = next(e for e in parse_po(PO_FILE.read_text("utf-8")) if e.msgid == "")
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "zh_Hans"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in header.flags


def test_every_message_has_a_chinese_translation():
    entries = catalogue()
    assert len(entries) > 100, "the catalogue looks truncated"
    untranslated = [e.key for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.key for e in entries if "fuzzy" in e.flags]
    one_form = [e.key for e in entries if e.msgid_plural and set(e.msgstr) != {0}]
    assert untranslated == [], f"untranslated: {untranslated}"
    assert fuzzy == [], f"fuzzy (check, then remove the flag): {fuzzy}"
    assert one_form == [], f"Chinese has one plural form, msgstr[0] only: {one_form}"


def test_translations_keep_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
    wrong = [
        (e.key, msgstr)
        for e in catalogue()
        for msgstr in e.msgstr.values()
        if sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(msgstr))
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po():
    entries = catalogue()
    with translation.override("zh-hans"):
        seen = {}
        for e in entries:
            if e.msgid_plural:
                seen[e.key] = translation.ngettext(e.msgid, e.msgid_plural, 1)
            elif e.msgctxt is not None:
                seen[e.key] = translation.pgettext(e.msgctxt, e.msgid)
            else:
                seen[e.key] = translation.gettext(e.msgid)
    stale = {e.key: (seen[e.key], e.msgstr[0]) for e in entries if seen[e.key] != e.msgstr[0]}
    assert stale == {}, (
        "the .mo differs from the .po: run `manage.py compilemessages --ignore=.venv`"
    )


def _snapshot(directory: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}


def _restore(directory: Path, snapshot: dict[Path, bytes]) -> None:
    for path in directory.rglob("*"):
        if path.is_file() and path not in snapshot:
            path.unlink()
    for path, content in snapshot.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (gettext) is not installed")
def test_no_user_string_is_left_out_of_the_catalogue():
    before = {e.key for e in catalogue()}
    snapshot = _snapshot(LOCALE_DIR)
    try:
        result = subprocess.run(
            MAKEMESSAGES, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, result.stderr
        after = {e.key for e in catalogue()}
    finally:
        _restore(LOCALE_DIR, snapshot)
    assert _snapshot(LOCALE_DIR) == snapshot
    missing = sorted(after - before, key=lambda key: (key[0] or "", key[1]))
    assert missing == [], (
        f"strings not in the catalogue: {missing}; run `{' '.join(MAKEMESSAGES[1:])}` "
        "and translate them"
    )


@pytest.mark.django_db
def test_case_list_page_is_in_chinese_by_default(client, district):
    client.force_login(district.centre_staff)

    response = client.get(reverse("cases:list"))

    assert response.status_code == 200
    content = response.content.decode()
    for chinese in ("案号", "纠纷类型", "层级", "状态", "承办单位", "办理期限", "全部案件"):
        assert chinese in content
    for english in ("Case number", "Dispute type", "Handling organisation", "All cases"):
        assert english not in content


@pytest.mark.django_db
def test_invalid_id_number_error_is_in_chinese(client, district):
    client.force_login(district.street_staff)
    data = intake_data(district)
    good = make_id_number()
    data["parties-0-id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")

    response = client.post(INTAKE_URL, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "公民身份号码校验位不正确，请逐位核对。" in content
    assert "check digit" not in content
