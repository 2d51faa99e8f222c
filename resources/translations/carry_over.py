"""Fill messages that moved to another class (a new translation context) with their old translations.

    python resources/translations/carry_over.py OLD.ts NEW.ts

lupdate keys messages by class name, so moving a string from one class to another makes it
"unfinished" under the new class and drops it under the old one (-no-obsolete). Run this with a
copy of the .ts from before `update.py`: every unfinished message whose English text (and
disambiguation and plural form) has exactly one translation in the old file gets it, and loses
its "unfinished" mark. Then `update.py --release`.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def key(message: ET.Element) -> tuple:
    return (message.findtext("source"), message.findtext("comment") or "", message.get("numerus") == "yes")


def carry_over(old_path: str, new_path: str) -> int:
    known: dict[tuple, set[str]] = {}
    translations: dict[tuple, ET.Element] = {}
    for message in ET.parse(old_path).getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            continue
        text = ET.tostring(translation, encoding="unicode")
        known.setdefault(key(message), set()).add(text)
        translations[key(message)] = translation
    tree = ET.parse(new_path)
    filled = 0
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") != "unfinished":
            continue
        if len(known.get(key(message), ())) != 1:
            continue
        message.remove(translation)
        old = translations[key(message)]
        new = ET.SubElement(message, "translation", {k: v for k, v in old.attrib.items() if k != "type"})
        new.text, new[:] = old.text, list(old)
        filled += 1
    tree.write(new_path, encoding="utf-8", xml_declaration=True)
    return filled


if __name__ == "__main__":
    print(f"{carry_over(sys.argv[1], sys.argv[2])} messages carried over")
