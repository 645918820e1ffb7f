"""The Chinese words printed on the documents, whatever the language of the site.

The documents are Chinese official papers: they are written in Chinese, not translated.
"""

import datetime

from django.utils import timezone

TITLES = {
    "agreement": "人民调解协议书",
    "record": "调解笔录",
    "referral": "委派调解函",
    "termination": "调解终结书",
    "undisputed": "无争议事实确认书",
    "confirmation": "司法确认申请书",
    "revisit": "回访记录",
    "casefile": "卷宗",
}

PARTY_ROLES = {"applicant": "申请人", "respondent": "被申请人", "third_party": "第三人"}

DISPUTE_TYPES = {
    "neighbour": "邻里纠纷",
    "family": "婚姻家庭纠纷",
    "labour": "劳动争议纠纷",
    "property_management": "物业纠纷",
    "land_housing": "土地房屋纠纷",
    "construction": "建设工程纠纷",
    "consumer": "消费纠纷",
    "traffic": "交通事故纠纷",
    "medical": "医疗纠纷",
    "debt": "债务纠纷",
    "other": "其他纠纷",
}

CHANNELS = {
    "walk_in": "来访登记",
    "grid": "网格员上报",
    "hotline_12345": "12345热线",
    "police_110": "公调对接",
    "petition": "访调对接",
    "court": "诉调对接",
    "online": "当事人网上申请",
    "patrol": "巡诊发现",
}

CASE_OUTCOMES = {"agreement": "调解成功，达成协议", "terminated": "调解终止", "": "尚未办结"}

SIGNATURE_METHODS = {"drawn": "手写签名", "code": "短信验证码确认", "login": "登录账号确认"}

SESSION_OUTCOMES = {
    "agreement": "达成调解协议",
    "continue": "需再次调解",
    "no_agreement": "未达成调解协议",
    "": "",
}

REFERRAL_KINDS = {"delegation": "委派", "entrustment": "委托"}
PROCEDURES = {"ordinary": "普通程序", "simple": "简易程序", "": ""}
REVISIT_RESULTS = {"stable": "纠纷已化解，情况稳定", "recurred": "纠纷复发", "": ""}


def date_text(value) -> str:
    """2026年5月1日, or "" for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def compact_date(value) -> str:
    """20260501, as archive catalogues write dates; "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value:%Y%m%d}"


def datetime_text(value) -> str:
    """2026年5月1日 09:30 (local time), or "" for nothing."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{date_text(local.date())} {local:%H:%M}"


def label(table: dict, key) -> str:
    return table.get(key or "", str(key or ""))
