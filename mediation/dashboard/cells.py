"""A table's typed cells: the page and the CSV file show ``Cell.text``, the Excel file
writes ``Cell.number`` with the kind's number format, so all three agree."""

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone


@dataclasses.dataclass(frozen=True)
class Column:
    label: str
    kind: str = "int"


# How each kind of value is written: the page and CSV text, Excel's number format.
EXCEL_FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "days": "0.0",
    "stars": "0.00",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
}


@dataclasses.dataclass(frozen=True)
class Cell:
    value: object
    kind: str = "text"
    url: str = ""

    @property
    def text(self) -> str:
        value = self.value
        if value is None or value == "":
            return ""
        if self.kind == "int":
            return f"{value:,}"
        if self.kind == "pct":
            return f"{value:.1f}%"
        if self.kind == "days":
            return f"{value:.1f}"
        if self.kind == "stars":
            return f"{value:.2f}"
        if self.kind == "money":
            return f"{value:,.2f}"
        if self.kind == "date":
            return f"{_local_date(value):%Y-%m-%d}"
        return str(value)

    @property
    def number(self):
        """The value for a spreadsheet cell: a number where it is one (a rate as a
        fraction, formatted as a percentage), a date, or text."""
        value = self.value
        if value is None or value == "":
            return None
        if self.kind == "pct":
            return value / 100
        if self.kind == "money":
            return Decimal(value)
        if self.kind == "date":
            return _local_date(value)
        if self.kind == "text":
            return str(value)
        return value

    @property
    def excel_format(self) -> str | None:
        return EXCEL_FORMATS.get(self.kind)


def _local_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


@dataclasses.dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""
    chart: dict | None = None

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]
