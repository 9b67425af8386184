"""Workbooks (XLSX) built part by part, to say exactly what their XML holds: the smallest file
a spreadsheet opens, or one made to hurt its reader."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "{strings}</Relationships>"
)
STRINGS_REL = f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'


def cell(ref: str, text: str) -> str:
    """An inline text cell."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def rows_xml(rows: Iterable[Iterable[str]], first: int = 1) -> str:
    out = []
    for number, values in enumerate(rows, start=first):
        cells = "".join(cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values))
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out)


def sheet(body: str, *, head: str = "", before: str = "") -> bytes:
    """A sheet whose `<sheetData>` holds `body`; `head` comes before it (`<dimension>`...),
    `before` before the root element (a DOCTYPE)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{before}<worksheet xmlns="{MAIN}">'
        f"{head}<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def shared_strings(texts: Iterable[str]) -> bytes:
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'.encode()


def workbook(sheet_xml: bytes, strings: bytes | None = None, *, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        rels = WORKBOOK_RELS.replace("{strings}", STRINGS_REL if strings is not None else "")
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()
