"""Compile every .po file to .mo with Python (msgfmt-compatible), so translations need no system gettext."""

import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", ".run", "node_modules"}


def parse_po(path: Path) -> dict[str, str]:
    messages: dict[str, str] = {}
    msgctxt = msgid = msgstr = None
    section = None
    fuzzy = False

    def flush():
        if msgid is not None and msgstr and not fuzzy:
            key = f"{msgctxt}\x04{msgid}" if msgctxt is not None else msgid
            messages[key] = msgstr

    plural: dict[int, str] = {}
    msgid_plural = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if not line or line.startswith("#"):
            if msgid is not None and section is not None:
                if msgid_plural is not None:
                    msgstr = "\x00".join(plural[i] for i in sorted(plural))
                    msgid = f"{msgid}\x00{msgid_plural}"
                flush()
                msgctxt = msgid = msgstr = msgid_plural = None
                plural = {}
                section = None
                fuzzy = False
            continue
        if line.startswith("msgctxt "):
            msgctxt, section = ast.literal_eval(line[8:]), "ctxt"
        elif line.startswith("msgid_plural "):
            msgid_plural, section = ast.literal_eval(line[13:]), "plural"
        elif line.startswith("msgid "):
            msgid, section = ast.literal_eval(line[6:]), "id"
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            plural[index] = ast.literal_eval(line[line.index("]") + 2 :])
            section = ("pl", index)
        elif line.startswith("msgstr "):
            msgstr, section = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if section == "ctxt":
                msgctxt += value
            elif section == "id":
                msgid += value
            elif section == "plural":
                msgid_plural += value
            elif section == "str":
                msgstr += value
            elif isinstance(section, tuple):
                plural[section[1]] += value
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        kid, kstr = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(kid), len(strs), len(kstr)))
        ids += kid + b"\x00"
        strs += kstr + b"\x00"
    n = len(keys)
    keystart = 7 * 4 + 16 * n
    valuestart = keystart + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    output = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    output += struct.pack(f"{len(koffsets)}i", *koffsets) + struct.pack(f"{len(voffsets)}i", *voffsets)
    path.write_bytes(output + ids + strs)


def main() -> int:
    count = 0
    for po in ROOT.rglob("*.po"):
        if SKIP & set(po.relative_to(ROOT).parts):
            continue
        write_mo(parse_po(po), po.with_suffix(".mo"))
        count += 1
    print(f"compiled {count} translation catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
