"""Text that parties typed is printed as text: markup in it fetches nothing, embeds
nothing and reads no file, and the literal characters are in the PDF."""

import http.server
import io
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents import rendering
from documents.models import DocumentKind
from mediation.models import CaseParty, PartyRole
from tests.documents import render_factories as rf
from tests.factories import natural


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A web server on a free local port that records every request it gets."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def case(district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rf.make_case(district)


PASSWD_LINES = [
    line.strip()
    for line in Path("/etc/passwd").read_text().splitlines()
    if line.strip().startswith("root:")
]


def assert_printed_as_text(data: bytes, literal: str, server) -> None:
    reader = PdfReader(io.BytesIO(data))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "".join(literal.split()) in text
    # No attachment, no file annotation.
    assert not reader.attachments
    assert b"/EmbeddedFiles" not in data and b"/FileAttachment" not in data
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
    # Nothing of /etc/passwd, and no request to the local server.
    for line in PASSWD_LINES:
        assert line not in text
        assert line.encode() not in data
    assert server.requests == []


def test_an_img_tag_in_the_facts_is_printed_as_text(case, server):
    literal = (
        f'<img src="file:///etc/passwd"><img src="http://127.0.0.1:{server.server_port}/i.png">'
    )
    content = dict(rf.AGREEMENT_CONTENT, facts=literal)

    rendered = rendering.render_document_pdf(rf.make_agreement(case, content=content))

    assert_printed_as_text(rendered.data, literal, server)


def test_an_attachment_link_in_a_session_statement_is_printed_as_text(case, server):
    literal = (
        '<link rel=attachment href="file:///etc/passwd">'
        f'<link rel=stylesheet href="http://127.0.0.1:{server.server_port}/s.css">'
    )
    session = rf.make_session(case, statement=literal)

    rendered = rendering.render_document_pdf(
        rf.make_document(case, DocumentKind.RECORD, session=session)
    )

    assert_printed_as_text(rendered.data, literal, server)


def test_a_css_url_in_a_style_attribute_in_a_party_s_name_is_printed_as_text(district, server):
    name = f'<b style="background:url(http://127.0.0.1:{server.server_port}/b)">王</b>'
    case = rf.make_case(
        district,
        parties=[natural(name, PartyRole.APPLICANT), natural("李四", PartyRole.RESPONDENT)],
    )
    assert CaseParty.objects.filter(case=case, person__name=name).exists()

    rendered = rendering.render_document_pdf(rf.make_agreement(case))

    assert_printed_as_text(rendered.data, name, server)


def test_a_file_url_in_a_style_attribute_in_the_terms_is_printed_as_text(case, server):
    literal = '<p style="background-image: url(file:///etc/passwd)">条款</p>'
    content = dict(rf.AGREEMENT_CONTENT, terms=literal)

    rendered = rendering.render_document_pdf(rf.make_agreement(case, content=content))

    assert_printed_as_text(rendered.data, literal, server)


def test_a_css_import_in_a_party_s_address_is_printed_as_text(district, server):
    address = f"<style>@import url(http://127.0.0.1:{server.server_port}/x.css);</style>"
    case = rf.make_case(
        district,
        parties=[
            natural("张三", PartyRole.APPLICANT, address=address),
            natural("李四", PartyRole.RESPONDENT),
        ],
    )

    rendered = rendering.render_document_pdf(rf.make_document(case, DocumentKind.CONFIRMATION))

    assert_printed_as_text(rendered.data, address, server)


def test_an_svg_image_in_the_undisputed_facts_is_printed_as_text(case, server):
    literal = (
        '<svg><image href="file:///etc/passwd"/>'
        f'<image href="http://127.0.0.1:{server.server_port}/s.png"/></svg>'
    )

    rendered = rendering.render_document_pdf(
        rf.make_document(case, DocumentKind.UNDISPUTED, content={"facts": literal})
    )

    assert_printed_as_text(rendered.data, literal, server)


def test_markup_in_a_return_visit_s_notes_is_printed_as_text(case, server):
    literal = f'<iframe src="http://127.0.0.1:{server.server_port}/f"></iframe>'
    visit = rf.make_visit(case, notes=literal)

    rendered = rendering.render_document_pdf(
        rf.make_document(case, DocumentKind.REVISIT, return_visit=visit)
    )

    assert_printed_as_text(rendered.data, literal, server)


def test_the_server_would_have_seen_a_request(server):
    """The recording server works: a request that is made is recorded."""
    import urllib.request

    urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/probe").read()

    assert server.requests == ["/probe"]
