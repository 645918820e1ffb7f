"""The demo district's fixed data: its organisations, logins and the pools names are drawn from.

Plain Python with no Django import, so that the Makefile and the README can print the
demo logins with ``python -c "from mediation.demo_data import DEMO_LOGINS"``.
The ``seed_demo`` command builds the district from it (see ``mediation/demo_district.py``).
"""

from typing import NamedTuple

DEMO_PASSWORD = "demo-pass-2026"


class OrgSpec(NamedTuple):
    code: str
    name: str
    kind: str  # a mediation.models.OrgKind value
    parent: str | None  # the parent's code
    short_name: str = ""
    address: str = ""
    phone: str = ""


class StreetSpec(NamedTuple):
    code: str  # the part after "jk-"
    name: str  # 太湖街道 / 紫蓬镇
    short_name: str  # used in case numbers
    is_town: bool  # a town has villages (村) instead of communities (社区)
    communities: tuple[tuple[str, str], ...]  # (code part, name)


DISTRICT_CODE = "jk"
DISTRICT_NAME = "经开区"
DISTRICT = OrgSpec(
    "jk",
    "经开区矛盾纠纷调处化解中心",
    "district_centre",
    None,
    "经开",
    "经开区锦绣大道88号",
    "0551-63350012",
)
STREETS = (
    StreetSpec(
        "th",
        "太湖街道",
        "经开太湖",
        False,
        (("xy", "新园社区"), ("jx", "锦绣社区"), ("hh", "海恒社区"), ("lh", "莲花社区")),
    ),
    StreetSpec(
        "hb",
        "湖滨街道",
        "经开湖滨",
        False,
        (("sl", "石榴社区"), ("fh", "芳华社区"), ("cq", "长青社区"), ("bh", "碧湖社区")),
    ),
    StreetSpec(
        "zp",
        "紫蓬镇",
        "经开紫蓬",
        True,
        (("th", "桃花村"), ("by", "柏堰村"), ("bz", "北张村"), ("wg", "王岗村")),
    ),
)
GRIDS_PER_COMMUNITY = 3
GRID_ORDINALS = "一二三四五六七八九十"

# Everything outside the street → community → grid tree, in creation order.
OTHER_ORGS = (
    OrgSpec("jk-court", "经开区人民法院", "court", "jk", "", "经开区繁华大道2号", "0551-63351100"),
    OrgSpec("jk-court-sdzx", "经开区人民法院诉调对接中心", "court_mediation_centre", "jk-court"),
    OrgSpec("jk-court-sdzx-lsts", "经开区律师调解工作室", "invited_organisation", "jk-court-sdzx"),
    OrgSpec(
        "jk-court-sdzx-bxtj", "经开区保险纠纷调解中心", "invited_organisation", "jk-court-sdzx"
    ),
    OrgSpec(
        "jk-court-sdzx-shtj", "经开区工商联商会调解委员会", "invited_organisation", "jk-court-sdzx"
    ),
    OrgSpec(
        "jk-court-sdzx-wytj", "经开区物业纠纷调解工作室", "invited_organisation", "jk-court-sdzx"
    ),
    OrgSpec(
        "jk-pcs-th", "经开区公安分局太湖派出所", "police_station", "jk", "", "", "0551-63352110"
    ),
    OrgSpec(
        "jk-pcs-hb", "经开区公安分局湖滨派出所", "police_station", "jk", "", "", "0551-63353110"
    ),
    OrgSpec("jk-sfj", "经开区司法局", "justice_bureau", "jk"),
    OrgSpec("jk-sfj-th", "经开区司法局太湖司法所", "justice_office", "jk-sfj"),
    OrgSpec("jk-sfj-th-tjw", "太湖街道人民调解委员会", "mediation_committee", "jk-sfj-th"),
    OrgSpec("jk-sfj-hb", "经开区司法局湖滨司法所", "justice_office", "jk-sfj"),
    OrgSpec("jk-sfj-hb-tjw", "湖滨街道人民调解委员会", "mediation_committee", "jk-sfj-hb"),
    OrgSpec("jk-sfj-zp", "经开区司法局紫蓬司法所", "justice_office", "jk-sfj"),
    OrgSpec("jk-sfj-zp-tjw", "紫蓬镇人民调解委员会", "mediation_committee", "jk-sfj-zp"),
    OrgSpec("jk-sfj-ytw", "经开区医疗纠纷人民调解委员会", "mediation_committee", "jk-sfj"),
    OrgSpec("jk-sfj-jtw", "经开区道路交通事故纠纷人民调解委员会", "mediation_committee", "jk-sfj"),
    OrgSpec("jk-xfj", "经开区信访局", "petition_bureau", "jk", "", "", "0551-63350345"),
    OrgSpec("jk-rsj", "经开区人力资源和社会保障局", "department", "jk"),
    OrgSpec("jk-zjj", "经开区住房和城乡建设局", "department", "jk"),
    OrgSpec("jk-scjgj", "经开区市场监督管理局", "department", "jk"),
    OrgSpec("jk-wjw", "经开区卫生健康委员会", "department", "jk"),
    OrgSpec("jk-nyj", "经开区农业农村局", "department", "jk"),
)


def street_centre_name(street: StreetSpec) -> str:
    return f"{street.name}矛盾纠纷调处化解中心"


def community_org_name(street: StreetSpec, community: str) -> str:
    return f"{community}{'村民委员会' if street.is_town else '居民委员会'}"


def grid_name(community: str, ordinal: int) -> str:
    return f"{community}第{GRID_ORDINALS[ordinal - 1]}网格"


def _org_names() -> dict[str, str]:
    names = {DISTRICT.code: DISTRICT.name}
    names.update((o.code, o.name) for o in OTHER_ORGS)
    for street in STREETS:
        names[f"jk-{street.code}"] = street_centre_name(street)
        for code, community in street.communities:
            names[f"jk-{street.code}-{code}"] = community_org_name(street, community)
            for n in range(1, GRIDS_PER_COMMUNITY + 1):
                names[f"jk-{street.code}-{code}-{n:02d}"] = grid_name(community, n)
    return names


ORG_NAMES = _org_names()


class LoginSpec(NamedTuple):
    username: str
    role: str  # a mediation.models.Role value; "" for the superuser
    role_label: str
    org_code: str
    surname: str
    given_name: str


# One login for each role, at the post where that role works.
LOGIN_SPECS = (
    LoginSpec("admin", "", "超级管理员", "", "", "管理员"),
    LoginSpec("centre", "centre_staff", "中心工作人员", "jk", "陈", "静"),
    LoginSpec("director", "centre_director", "中心主任", "jk", "周", "建国"),
    LoginSpec("street", "centre_staff", "街镇中心工作人员", "jk-th", "吴", "海燕"),
    LoginSpec("grid", "grid_worker", "网格员", "jk-th-xy-01", "刘", "晓东"),
    LoginSpec("committee", "committee_staff", "社区居委会工作人员", "jk-th-xy", "赵", "春梅"),
    LoginSpec("mediator", "mediator", "人民调解员", "jk-sfj-th-tjw", "孙", "德明"),
    LoginSpec("leader", "responsible_leader", "包保领导", "jk", "郑", "国华"),
    LoginSpec("clerk", "court_clerk", "法院书记员", "jk-court-sdzx", "黄", "婷"),
    LoginSpec("judge", "judge", "法官", "jk-court", "林", "志远"),
    LoginSpec("police", "police_officer", "民警", "jk-pcs-th", "马", "超"),
    LoginSpec("justice", "justice_staff", "司法行政工作人员", "jk-sfj", "何", "玉兰"),
    LoginSpec("petition", "petition_staff", "信访工作人员", "jk-xfj", "郭", "丽"),
    LoginSpec("liaison", "department_liaison", "部门联络员", "jk-rsj", "罗", "斌"),
)

# (username, role label, organisation name): the table the Makefile and README print.
DEMO_LOGINS = tuple(
    (s.username, s.role_label, ORG_NAMES.get(s.org_code, "全区")) for s in LOGIN_SPECS
)


class MediatorSpec(NamedTuple):
    username: str
    surname: str
    given_name: str
    org_code: str
    specialties: str
    dispute_types: tuple[str, ...]  # mediation.models.DisputeType values
    charges_fee: bool
    is_invited: bool
    status: str  # a mediation.models.MediatorStatus value
    bio: str


# fmt: off
MEDIATORS = (
    MediatorSpec(
        "mediator", "孙", "德明", "jk-sfj-th-tjw", "邻里纠纷、婚姻家庭",
        ("neighbour", "family", "property_management"), False, False, "active",
        "退休社区党委书记，从事人民调解工作十二年，擅长邻里和家庭矛盾的情理调解。",
    ),
    MediatorSpec(
        "mediator02", "钱", "秀英", "jk-sfj-th-tjw", "赡养、继承",
        ("family", "land_housing"), False, False, "active",
        "街道妇联原主席，熟悉婚姻家庭和继承纠纷，多次获评优秀人民调解员。",
    ),
    MediatorSpec(
        "mediator03", "李", "卫东", "jk-sfj-hb-tjw", "物业服务、房屋租赁",
        ("property_management", "land_housing", "neighbour"), False, False, "active",
        "从事物业管理工作二十年，熟悉业主大会和物业服务合同相关规定。",
    ),
    MediatorSpec(
        "mediator04", "王", "桂芳", "jk-sfj-hb-tjw", "邻里纠纷、消费纠纷",
        ("neighbour", "consumer", "other"), False, False, "active",
        "社区调解骨干，“老娘舅”调解室负责人。",
    ),
    MediatorSpec(
        "mediator05", "张", "保国", "jk-sfj-zp-tjw", "宅基地、土地承包",
        ("land_housing", "neighbour", "family"), False, False, "active",
        "原镇农经站站长，熟悉农村土地承包和宅基地政策。",
    ),
    MediatorSpec(
        "mediator06", "杨", "长青", "jk-sfj-zp-tjw", "农民工工资、工程款",
        ("labour", "construction", "debt"), False, False, "suspended",
        "乡贤调解员。因个人原因暂停接案。",
    ),
    MediatorSpec(
        "mediator07", "徐", "立新", "jk-sfj-ytw", "医疗损害赔偿",
        ("medical",), False, False, "active",
        "主任医师，从事医疗质量管理工作二十五年，区医调委专职调解员。",
    ),
    MediatorSpec(
        "mediator08", "朱", "红梅", "jk-sfj-ytw", "医疗纠纷、人身损害",
        ("medical", "other"), False, False, "active",
        "执业律师，专注医疗损害责任纠纷，区医调委兼职调解员。",
    ),
    MediatorSpec(
        "mediator09", "胡", "建军", "jk-sfj-jtw", "道路交通事故",
        ("traffic",), False, False, "active",
        "原交警大队事故中队长，熟悉事故责任认定与保险理赔。",
    ),
    MediatorSpec(
        "mediator10", "高", "文博", "jk-court-sdzx-lsts", "借款合同、买卖合同、劳动争议",
        ("debt", "labour", "consumer", "construction"), True, True, "active",
        "执业律师，法院特邀调解员，按律师调解收费标准收费，经济困难当事人可申请减免。",
    ),
    MediatorSpec(
        "mediator11", "梁", "思远", "jk-court-sdzx-lsts", "婚姻家庭、继承",
        ("family", "land_housing"), True, True, "active",
        "执业律师，法院特邀调解员，擅长家事纠纷。",
    ),
    MediatorSpec(
        "mediator12", "宋", "嘉怡", "jk-court-sdzx-bxtj", "机动车保险理赔",
        ("traffic", "consumer"), False, True, "active",
        "保险行业协会调解员，熟悉车险定损与理赔流程。",
    ),
    MediatorSpec(
        "mediator13", "唐", "国庆", "jk-court-sdzx-shtj", "企业间买卖、承揽合同",
        ("debt", "construction", "consumer"), False, True, "active",
        "区工商联商会调解委员会主任，企业家。",
    ),
    MediatorSpec(
        "mediator14", "韩", "丽萍", "jk-court-sdzx-wytj", "物业服务合同",
        ("property_management",), False, True, "active",
        "物业纠纷调解工作室调解员，原住建局物业科科员。",
    ),
)
# fmt: on

# People, by how often the surname occurs (the first ones carry more weight).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Given names by generation (born before 1960, 1960-1984, from 1985) and sex.
GIVEN_NAMES = {
    ("old", "m"): (
        "建国 国庆 德福 长青 保国 振华 志刚 玉林 文华 家明 国强 永福 金生 春生 有才 "
        "炳南 树林 正清 学文 洪涛"
    ),
    ("old", "f"): (
        "秀英 桂英 玉兰 秀兰 凤英 桂兰 淑珍 玉梅 春花 素芳 翠华 金凤 美华 巧云 月娥 "
        "兰英 秀珍 玉珍 爱华 冬梅"
    ),
    ("mid", "m"): (
        "伟 强 磊 军 勇 涛 明 刚 平 辉 华 斌 志强 建华 海涛 立新 永刚 卫东 文斌 晓东 "
        "红兵 建军 志勇 国华 海波 小龙 东升 俊峰"
    ),
    ("mid", "f"): (
        "芳 娜 敏 静 丽 艳 娟 霞 红 玲 萍 燕 丽娟 海燕 春梅 晓燕 红梅 丽萍 淑芬 雪梅 "
        "晓红 玉洁 慧敏 桂芳 秀梅 丽华 艳红"
    ),
    ("young", "m"): (
        "浩 宇 杰 鹏 超 鑫 凯 帆 旭 晨 子轩 浩然 宇航 晨阳 家豪 俊杰 梓豪 一鸣 思远 "
        "博文 天佑 嘉乐 泽宇 皓轩 明哲"
    ),
    ("young", "f"): (
        "婷 雪 琳 晶 颖 倩 洁 欣怡 梓涵 诗涵 雨涵 佳怡 思琪 梦瑶 雨欣 可馨 若曦 嘉怡 "
        "心怡 语桐 佳琪 紫萱 晓雯"
    ),
}
# Identity-number regions: the district's own, and the home counties of migrant workers.
LOCAL_REGIONS = ("340111", "340104", "340121", "340123", "340124")
MIGRANT_REGIONS = ("341221", "341222", "341623", "411627", "412726", "511623", "522227")
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "173 175 177 180 181 182 183 185 186 187 188 189 191 193 198 199"
).split()
LANDLINE_PREFIX = "0551-6"

# Legal persons by the role they play in disputes: (name pattern, credit-code prefix).
# A credit code starts with 91 for a company, 92 for a sole trader, 12 for a public body.
COMPANY_BRANDS = (
    "恒通 安居 嘉和 宏远 金桥 瑞丰 鼎盛 华庭 君悦 佳园 兴业 德润 新锦 宏图 祥和 "
    "盛泰 聚源 明辉 天润 汇元"
).split()
COMPANY_KINDS = {
    "property": (("{brand}物业服务有限公司", "91"),),
    "employer": (
        ("{brand}建筑劳务有限公司", "91"),
        ("{brand}机械制造有限公司", "91"),
        ("{brand}餐饮管理有限公司", "91"),
        ("{brand}物流有限公司", "91"),
        ("{brand}电子科技有限公司", "91"),
    ),
    "prepaid": (
        ("经开区{brand}美容美发店", "92"),
        ("经开区{brand}健身会所", "92"),
        ("{brand}教育培训学校有限公司", "91"),
    ),
    "repair": (("经开区{brand}家电维修部", "92"),),
    "retail": (("经开区{brand}超市", "92"), ("经开区{brand}家具城", "92")),
    "builder": (("{brand}装饰工程有限公司", "91"), ("{brand}建筑工程有限公司", "91")),
    "insurer": (("{brand}财产保险股份有限公司经开支公司", "91"),),
    "developer": (("{brand}置业有限公司", "91"),),
    "hospital": (
        ("经开区人民医院", "12"),
        ("经开区中医院", "12"),
        ("紫蓬镇卫生院", "12"),
        ("{brand}口腔门诊部有限公司", "91"),
        ("{brand}妇产医院有限公司", "91"),
    ),
}
LAW_FIRMS = ("安和律师事务所", "正衡律师事务所", "明理律师事务所")
LAWYER_COUNT = 24
