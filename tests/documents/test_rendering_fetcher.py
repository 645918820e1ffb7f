"""The renderer's URL fetcher serves the project's assets and this render's images by
name, and refuses everything else; a template that asks for more fails loudly."""

import pytest

from documents import rendering
from documents.fetcher import LockedURLFetcher, ResourceRefused, check_resources
from tests.documents.render_factories import png_bytes


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "data:text/css,body{color:red}",
        "data:image/png;base64,iVBORw0KGgo=",
        "asset:no-such.css",
        "asset:../rendering.py",
        "asset:/etc/passwd",
        "resource:unknown.png",
        "resource:../../etc/passwd",
        "/etc/passwd",
        "documents.css",
    ],
)
def test_the_fetcher_refuses_anything_but_known_names(url):
    fetcher = LockedURLFetcher({"known.png": png_bytes()})

    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)


def test_the_fetcher_refuses_urllib_s_way_in_too():
    with pytest.raises(ResourceRefused):
        LockedURLFetcher().open("http://127.0.0.1:9/")


def test_the_fetcher_serves_the_house_stylesheet_by_name():
    response = LockedURLFetcher().fetch("asset:documents.css")

    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_the_fetcher_serves_this_render_s_images_by_name():
    image = png_bytes()

    response = LockedURLFetcher({"signature-1.png": image}).fetch("resource:signature-1.png")

    assert response.content_type == "image/png"
    assert response.read() == image


def test_the_fetcher_asks_weasyprint_to_fail_on_a_refusal():
    assert LockedURLFetcher()._fail_on_errors is True


@pytest.mark.parametrize(
    "resources",
    [
        {
            "a.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
        },
        {"a.png": b"not an image"},
        {"../a.png": png_bytes()},
        {"a b.png": png_bytes()},
    ],
)
def test_only_named_raster_images_are_accepted_as_resources(resources):
    with pytest.raises(ResourceRefused):
        check_resources(resources)
    with pytest.raises(rendering.RenderRefused):
        rendering.render_html_pdf("<p>x</p>", resources=resources)


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<p style="background: url(file:///etc/passwd)">x</p>',
        "<style>@import url(http://127.0.0.1:9/x.css);</style>",
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
    ],
)
def test_a_template_asking_for_a_refused_url_fails_loudly(markup):
    with pytest.raises(rendering.RenderRefused):
        rendering.render_html_pdf(f'<html lang="zh-CN"><body><p>正文</p>{markup}</body></html>')


def test_a_template_may_use_an_image_it_was_given():
    html = '<html><body><img src="resource:sig.png" style="width: 30mm"></body></html>'

    rendered = rendering.render_html_pdf(html, resources={"sig.png": png_bytes()})

    assert rendered.pages == 1
