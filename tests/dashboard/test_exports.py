"""Every table exports to Excel and CSV with the page's figures, safely."""

import codecs
import csv
import datetime
import decimal
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import report_case

from .conftest import TABLES, WHOLE_HISTORY, dashboard


def _plain(value):
    """A cell's value as comparable: numbers as floats to nine places, dates as dates."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, (int, float, decimal.Decimal)):
        return round(float(value), 9)
    return value


def _xlsx(client, slug, query):
    response = client.get(reverse("dashboard:export"), {"table": slug, "format": "xlsx", **query})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in response["Cache-Control"]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _csv(client, slug, query):
    response = client.get(reverse("dashboard:export"), {"table": slug, "format": "csv", **query})
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.parametrize("slug", list(TABLES))
def test_each_table_exports_to_excel_and_csv_with_the_pages_values(client, demo, slug):
    from django.contrib.auth import get_user_model

    director = get_user_model().objects.get(username="director")
    table = dashboard(client, director, **WHOLE_HISTORY)[slug]
    sheet = _xlsx(client, slug, WHOLE_HISTORY)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [str(column.label) for column in table.columns]
    expected = [[_plain(cell.number) for cell in row] for row in table.rows]
    assert [[_plain(c) for c in row] for row in rows[1:]] == expected
    lines = _csv(client, slug, WHOLE_HISTORY)
    assert lines[0] == [str(column.label) for column in table.columns]
    assert lines[1:] == table.texts()


def test_a_text_that_looks_like_a_formula_stays_text(client, district):
    for _ in range(3):
        report_case(handling_org=district.street, location='=HYPERLINK("http://x")')
    client.force_login(district.street_staff)
    sheet = _xlsx(client, "warnings_address", {})
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
    lines = _csv(client, "warnings_address", {})
    assert lines[1][0] == '\'=HYPERLINK("http://x")'


def test_an_unknown_table_or_format_is_404(client, district):
    client.force_login(district.street_staff)
    assert (
        client.get(reverse("dashboard:export"), {"table": "nothing", "format": "csv"}).status_code
        == 404
    )
    assert (
        client.get(reverse("dashboard:export"), {"table": "overview", "format": "pdf"}).status_code
        == 404
    )


def test_the_file_is_named_after_its_table_and_period(client, district):
    client.force_login(district.street_staff)
    response = client.get(
        reverse("dashboard:export"),
        {"table": "overview", "format": "csv", "start": "2026-01-01", "end": "2026-06-30"},
    )
    assert 'filename="Overview-20260101-20260630.csv"' in response["Content-Disposition"]
