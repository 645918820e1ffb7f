"""One dashboard table as a CSV or an Excel file, with the same cells as the page.

As ``mediation.exports``: a CSV file is UTF-8 with a byte order mark, streamed a row at
a time, and no cell can run as a formula; an Excel file (openpyxl) writes text cells as
text, never as formulas, and numbers, rates and dates as numbers with their format.
The tables are figures and repeat warnings; a party's ID or phone number appears only
masked (``warnings.party_warnings``), so no personal data leaves unmasked.
"""

import csv
import io
from collections.abc import Iterator

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# The case list's CSV writing: the byte order mark, the formula guard, the buffer.
from mediation.exports import BOM, attachment, drain, safe_text

from .cells import Table
from .filters import Period

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Characters a worksheet's title may not hold, and its longest length.
SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
SHEET_TITLE_MAX = 31


def csv_lines(table: Table, language: str) -> Iterator[str]:
    with translation.override(language):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([safe_text(column.label) for column in table.columns])
        yield BOM + drain(buffer)
        for row in table.rows:
            writer.writerow([safe_text(cell.text) for cell in row])
            yield drain(buffer)


def xlsx_bytes(table: Table, period: Period) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{table.title} {period.start:%Y-%m-%d}—{period.end:%Y-%m-%d}"
    sheet = workbook.create_sheet(title=sheet_title(table.title))
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = _text_cell(sheet, str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for cell in row:
            value = cell.number
            if isinstance(value, str):
                out = _text_cell(sheet, value)
            else:
                out = WriteOnlyCell(sheet, value=value)
                if value is not None and cell.excel_format:
                    out.number_format = cell.excel_format
            cells.append(out)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    # openpyxl takes a string that starts with "=" for a formula: keep it a string.
    cell.data_type = "s"
    return cell


def sheet_title(title: str) -> str:
    return str(title).translate(SHEET_FORBIDDEN)[:SHEET_TITLE_MAX] or "Sheet"


def content_disposition(table: Table, period: Period, extension: str) -> str:
    """The file as an attachment named after its table and period, in UTF-8
    (RFC 6266, RFC 5987), with an ASCII name for a client that does not read it."""
    dates = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    name = f"{table.title}-{dates}.{extension}"
    ascii_name = f"statistics-{table.slug}-{dates}.{extension}"
    return attachment(name, ascii_name=ascii_name)
