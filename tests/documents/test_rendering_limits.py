"""Renders run in a child with a time and a memory limit, and refuse without their fonts."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils.translation import override

from documents import rendering

# A thousand pages, a table on each: laying out tables takes memory fast.
THOUSAND_PAGES = (
    '<html lang="zh-CN"><body>'
    + "".join(
        "<table style='break-after: page'>"
        + "".join(f"<tr><td>{row}</td><td>调解</td></tr>" for row in range(10))
        + "</table>"
        for _page in range(1000)
    )
    + "</body></html>"
)
SMALL = '<html lang="zh-CN"><body><h1>人民调解协议书</h1><p>双方自愿达成协议。</p></body></html>'


@pytest.fixture
def limits(settings):
    def set_limits(*, seconds: float, mb: int):
        settings.DOCUMENTS = {
            **settings.DOCUMENTS,
            "RENDER_TIMEOUT_SECONDS": seconds,
            "RENDER_MEMORY_MB": mb,
        }

    return set_limits


def test_a_thousand_page_render_is_stopped_by_the_memory_limit(limits):
    limits(seconds=120, mb=24)

    with pytest.raises(rendering.RenderTooLarge) as raised:
        rendering.render_html_pdf(THOUSAND_PAGES)

    assert "24 MB" in str(raised.value)
    # The same limit leaves room for an ordinary document.
    assert rendering.render_html_pdf(SMALL).pages == 1


def test_a_thousand_page_render_is_stopped_by_the_time_limit(limits):
    limits(seconds=1, mb=4096)
    started = time.monotonic()

    with pytest.raises(rendering.RenderTimeout):
        rendering.render_html_pdf(THOUSAND_PAGES)

    assert time.monotonic() - started < 5


def test_a_stuck_render_is_killed_at_the_time_limit(limits):
    limits(seconds=0.5, mb=256)
    started = time.monotonic()

    with override("en"), pytest.raises(rendering.RenderTimeout) as raised:
        rendering.run_limited(time.sleep, 60)

    assert time.monotonic() - started < 3
    assert "0.5 seconds" in str(raised.value)


def test_a_failure_in_the_child_is_reported_as_a_render_error(limits):
    limits(seconds=10, mb=256)

    with pytest.raises(rendering.RenderError) as raised:
        rendering.run_limited(int, "not a number")

    assert "ValueError" in str(raised.value)


def test_a_render_returns_the_child_s_pdf_and_page_count():
    rendered = rendering.render_html_pdf(SMALL)

    assert rendered.data.startswith(b"%PDF-") and rendered.pages == 1


def test_the_dependency_check_names_the_missing_font_package():
    problems = rendering.check_render_dependencies(
        has_font=lambda family: False, find_subset=lambda: "libharfbuzz-subset.so.0"
    )

    assert len(problems) == 1
    assert "Noto Serif CJK SC" in problems[0] and "fonts-noto-cjk" in problems[0]


def test_the_dependency_check_names_the_missing_harfbuzz_subset_package():
    problems = rendering.check_render_dependencies(
        has_font=lambda family: True, find_subset=lambda: None
    )

    assert len(problems) == 1 and "libharfbuzz-subset0" in problems[0]


def test_this_machine_has_what_rendering_needs():
    assert rendering.check_render_dependencies() == []
    assert rendering.fontconfig_has_family("Noto Serif CJK SC")
    assert not rendering.fontconfig_has_family("No Such Font Family")


def test_without_the_font_the_system_check_fails_and_renders_refuse(tmp_path):
    """A process whose fontconfig knows no fonts: manage.py check reports documents.E001,
    and a render refuses with the same message."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><fontconfig></fontconfig>')
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.core.management.base import SystemCheckError\n"
        "from documents import rendering\n"
        "try:\n"
        "    call_command('check')\n"
        "except SystemCheckError as error:\n"
        "    print('CHECK', error)\n"
        "try:\n"
        "    rendering.render_html_pdf('<p>x</p>')\n"
        "except rendering.RenderingUnavailable as error:\n"
        "    print('RENDER', error)\n"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
        "MEDIATION_VAR_DIR": str(tmp_path),
    }
    root = Path(__file__).resolve().parents[2]

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )

    lines = result.stdout.splitlines()
    check = next(line for line in result.stdout.split("CHECK", 1)[1:])
    render = next(line for line in lines if line.startswith("RENDER"))
    assert "documents.E001" in check and "fonts-noto-cjk" in check
    assert "fonts-noto-cjk" in render
