"""Sample documents that ``rendering.warm_up`` renders once in the parent process.

A render child is forked from the parent and dies after one render, so whatever
WeasyPrint, Pango and Python make on first use and then keep (the fonts at each size
and weight the stylesheet uses, shaping and layout caches, the interpreter's specialised
bytecode of the layout code) is made again by every child, unless the parent made it
before the fork. A parent warmed with a two-line page left the child of a 2-page
agreement ~40% slower than a render in a warm process; these samples, which go through
the real templates with made-up values (no database) and so use every part of the
stylesheet the documents use (the title's outlines, the parties, headings, a table, the
signature lines with a drawn signature, the closing block with its QR code, the page
numbers, the case file's cover, catalogue and back page), take most of that away.
"""

import io

from django.template.loader import render_to_string

from . import labels
from .titles import KNOWN_TITLES

_URL = "https://example.invalid/verify/0123456789abcdef0123456789abcdef/"
_PARAGRAPH = "申请人与被申请人因房屋漏水纠纷，经本委员会主持调解，双方自愿达成如下协议，共同遵守。"


def _signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 20), (150, 60), (230, 15)], fill="black", width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _party(role: str, name: str, signature: dict | None) -> dict:
    return {
        "role": role,
        "name": name,
        "legal": False,
        "id_label": "公民身份号码",
        "id_value": "110101198001010010",
        "address_label": "住址",
        "address": "太湖路1号",
        "phone": "13800138000",
        "agent": None,
        "signature": signature,
    }


def _common(kind: str) -> dict:
    from .contexts import qr_svg

    when = "2026年1月1日 09:30"
    signed = {"image": None, "name": "李四", "method": "短信验证码确认", "time": when}
    drawn = {**signed, "image": "resource:warm-signature.png", "name": "张三"}
    return {
        "kind": kind,
        "stage": "final",
        "title": labels.TITLES[kind],
        "number": "经开调协〔2026〕1号",
        "case_number": "（2026）调字第00001号",
        "case_title": "楼上漏水纠纷",
        "dispute_type": "邻里纠纷",
        "issuer_name": "太湖街道矛盾纠纷调处化解中心",
        "issued_on": "2026年1月1日",
        "parties": [_party("申请人", "张三", drawn), _party("被申请人", "李四", signed)],
        "mediator_signature": signed,
        "effective_at": "2026年1月1日 09:30",
        "verify_url": _URL,
        "qr_svg": qr_svg(_URL),
        "closing_lines": [("调解员", "王调解")],
    }


def samples() -> list[tuple[str, dict[str, bytes]]]:
    """The sample documents' HTML, each with the resources it names."""
    resources = {"warm-signature.png": _signature_png()}
    agreement = {
        **_common("agreement"),
        "facts": _PARAGRAPH * 3,
        "disputed_matters": _PARAGRAPH,
        "responsibilities": _PARAGRAPH,
        "terms": [_PARAGRAPH, _PARAGRAPH],
        "performance": _PARAGRAPH,
        "performance_due": "2026年5月31日",
        "agreed_amount": "人民币3,000.00元",
        "copies": 3,
    }
    row = {"role": "申请人", "name": "张三", "present": "到场", "statement": _PARAGRAPH}
    record = {
        **_common("record"),
        "held_at": "2026年1月1日 09:30",
        "place": "第一调解室",
        "manner": "不公开调解",
        "mediator_name": "王调解",
        "attendance": [row, {**row, "role": "被申请人", "name": "李四"}],
        "statements": _PARAGRAPH,
        "outcome": "达成调解协议",
    }
    item = {"title": "调解笔录", "number": "经开调协〔2026〕2号", "date": "20260101"}
    casefile = {
        **_common("agreement"),
        "kind": "casefile",
        "title": KNOWN_TITLES[-3],
        "parties": ["申请人：张三", "被申请人：李四"],
        "items": [{**item, "included": True, "start": 3, "end": 4}] * 3,
        "front_pages": 2,
        "back_page": 12,
        "total_pages": 12,
        "included_count": 3,
        "excluded": [],
        "images": [],
    }
    templates = ("agreement", "record", "casefile", "casefile_tail")
    contexts = (agreement, record, casefile, casefile)
    return [
        (render_to_string(f"documents/{name}.html", context), resources)
        for name, context in zip(templates, contexts, strict=True)
    ]
