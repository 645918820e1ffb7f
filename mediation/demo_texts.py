"""What the demo district's disputes are made of: how often each kind comes in, and
descriptions, a few per dispute type.

Plain data, no Django import. In a text, ``{a}`` is the applicant, ``{r}`` the respondent,
``{loc}`` the place, ``{amount}`` the sum in dispute, ``{n}``, ``{months}`` and ``{years}``
small numbers, ``{community}`` the community or village.
"""

from typing import NamedTuple

# Relative weights: how often a dispute type and a channel come in, and the tier a
# channel's cases usually have.
TYPE_WEIGHTS = {
    "neighbour": 22, "family": 12, "labour": 11, "property_management": 12, "land_housing": 8,
    "construction": 5, "consumer": 9, "traffic": 7, "medical": 3, "debt": 7, "other": 4,
}  # fmt: skip
CHANNEL_WEIGHTS = {
    "walk_in": 22, "grid": 22, "hotline_12345": 14, "police_110": 8, "petition": 5,
    "court": 8, "online": 10, "patrol": 11,
}  # fmt: skip
TIER_WEIGHTS = {"micro": 25, "small": 40, "medium": 28, "hard": 7}
TIER_WEIGHTS_BY_CHANNEL = {
    "grid": {"micro": 55, "small": 35, "medium": 9, "hard": 1},
    "patrol": {"micro": 45, "small": 40, "medium": 13, "hard": 2},
    "court": {"micro": 2, "small": 18, "medium": 55, "hard": 25},
    "petition": {"micro": 2, "small": 20, "medium": 48, "hard": 30},
}
# The lowest tier (0 micro ... 3 hard) of a type: a grid does not settle a medical claim.
MIN_TIER = {"medical": 2, "construction": 1, "labour": 1, "traffic": 1, "debt": 1}


class DisputeTemplate(NamedTuple):
    label: str  # ends the title: 张三与李四 + 楼上漏水纠纷
    text: str
    amount: tuple[int, int, int] | None  # (low, high, step) in yuan; None: no money at stake
    respondent: str | None  # a COMPANY_KINDS key when the respondent is a legal person
    # "kin": the respondent is the applicant's relative; "elder": the applicant is old;
    # "migrant": the applicant is a migrant worker; "insurer": an insurer joins as third party.
    flags: str = ""


TEMPLATES = {
    "neighbour": (
        DisputeTemplate(
            "楼上漏水纠纷",
            "{a}反映，其位于{loc}的住房卫生间顶部持续渗水，墙面发霉、吊顶脱落，经物业查看系"
            "楼上{r}家中防水层老化所致。{a}要求{r}维修防水并赔偿损失约{amount}元，{r}认为"
            "损失金额过高，双方多次协商未果。",
            (800, 12000, 100),
            None,
        ),
        DisputeTemplate(
            "装修噪音纠纷",
            "{a}反映，邻居{r}装修已持续{months}个月，经常在午休和夜间施工，噪音严重影响家中"
            "老人和孩子休息，物业多次劝说无效，双方发生口角，{a}要求{r}按规定时段施工。",
            None,
            None,
        ),
        DisputeTemplate(
            "楼道堆物纠纷",
            "{a}反映，{r}长期在{loc}楼道内堆放纸箱、旧家具等杂物，占用消防通道，存在安全隐患，"
            "{a}多次要求清理未果，双方矛盾逐渐激化。",
            None,
            None,
        ),
        DisputeTemplate(
            "饲养宠物纠纷",
            "{a}反映，{r}饲养的犬只未拴绳，在{community}小区内将其咬伤，{a}花去医疗费、疫苗费"
            "共计{amount}元，要求{r}赔偿，{r}对赔偿数额有异议。",
            (500, 6000, 50),
            None,
        ),
        DisputeTemplate(
            "空调外机噪音纠纷",
            "{a}反映，{r}将空调外机安装在其卧室窗外，运行时噪音和热风影响休息，要求{r}移位，"
            "{r}以安装位置系开发商预留为由拒绝。",
            None,
            None,
        ),
    ),
    "family": (
        DisputeTemplate(
            "赡养纠纷",
            "{a}年事已高，无固定收入，患有慢性病需长期服药。其子女{r}等人以经济困难为由拒绝"
            "支付赡养费，{a}请求调解，要求每月支付赡养费{amount}元并轮流照料。",
            (500, 3000, 100),
            None,
            "kin elder",
        ),
        DisputeTemplate(
            "继承纠纷",
            "{a}与{r}系兄弟姐妹，父母去世后留有位于{loc}的房屋一套，双方对房屋归属和补偿款"
            "分配意见不一，协商未果，申请调解。涉及补偿款约{amount}元。",
            (50000, 800000, 1000),
            None,
            "kin",
        ),
        DisputeTemplate(
            "婚姻家庭纠纷",
            "{a}与{r}结婚{years}年，近年来因家庭琐事和子女教育问题矛盾不断，{a}提出离婚，"
            "双方对子女抚养和共同财产分割存在分歧。",
            None,
            None,
        ),
        DisputeTemplate(
            "抚养费纠纷",
            "{a}与{r}离婚后，子女随{a}生活，{r}已{months}个月未按离婚协议支付抚养费，"
            "累计拖欠{amount}元，{a}要求一次性补足。",
            (3000, 40000, 500),
            None,
        ),
    ),
    "labour": (
        DisputeTemplate(
            "拖欠工资纠纷",
            "{a}等{n}名工人在{r}务工，{r}以资金周转困难为由拖欠{months}个月工资合计"
            "{amount}元至今未付。工人多次讨要无果，情绪激动，存在集体上访苗头。",
            (20000, 600000, 1000),
            "employer",
            "migrant",
        ),
        DisputeTemplate(
            "工伤赔偿纠纷",
            "{a}在{r}工作期间操作设备时右手受伤，经鉴定为十级伤残，双方对一次性伤残补助金"
            "和停工留薪期工资数额存在争议，{a}主张{amount}元。",
            (30000, 200000, 1000),
            "employer",
            "migrant",
        ),
        DisputeTemplate(
            "解除劳动合同纠纷",
            "{a}在{r}工作{years}年，公司以经营困难为由单方解除劳动合同，未支付经济补偿，"
            "{a}要求支付经济补偿金{amount}元。",
            (8000, 120000, 500),
            "employer",
        ),
    ),
    "property_management": (
        DisputeTemplate(
            "物业费纠纷",
            "业主{a}以小区电梯经常故障、绿化无人维护为由，拖欠物业费{months}个月，{r}多次催缴"
            "并停用其门禁卡，{a}不服。双方就欠费{amount}元及服务整改问题申请调解。",
            (600, 9000, 100),
            "property",
        ),
        DisputeTemplate(
            "停车管理纠纷",
            "{a}反映，{r}未经业主大会同意上调小区停车费，并对未缴费车辆锁车，"
            "引发多名业主不满，{a}代表部分业主要求恢复原收费标准。",
            None,
            "property",
        ),
        DisputeTemplate(
            "电梯维修资金纠纷",
            "{a}反映，其所住的{community}小区单元电梯停运{months}个月，{r}要求动用专项维修资金"
            "{amount}元，部分业主对维修方案和报价有异议，电梯长期无法修复，高层住户出行困难。",
            (30000, 250000, 1000),
            "property",
        ),
    ),
    "land_housing": (
        DisputeTemplate(
            "宅基地界址纠纷",
            "{a}与{r}系前后邻居，{r}翻建房屋时院墙向{a}一侧越界约半米，{a}认为侵占其宅基地，"
            "双方多次争执，村委会调解未果。",
            None,
            None,
        ),
        DisputeTemplate(
            "房屋租赁纠纷",
            "{a}承租{r}位于{loc}的房屋，租期未满{r}要求提前收回房屋，双方就押金和"
            "违约金{amount}元的退还发生争议。",
            (1500, 20000, 100),
            None,
        ),
        DisputeTemplate(
            "土地承包经营权纠纷",
            "{a}将承包的{n}亩耕地流转给{r}种植，{r}已拖欠流转费{years}年，合计{amount}元，"
            "{a}要求支付流转费或收回土地。",
            (3000, 60000, 500),
            None,
        ),
    ),
    "construction": (
        DisputeTemplate(
            "装修工程质量纠纷",
            "{a}将位于{loc}的住房委托{r}装修，入住后出现墙面开裂、地板起拱等问题，"
            "{a}要求返工并退还部分工程款{amount}元，{r}认为系使用不当所致。",
            (5000, 80000, 500),
            "builder",
        ),
        DisputeTemplate(
            "工程款结算纠纷",
            "{a}为{r}承建的厂房提供分包施工，工程已竣工验收，{r}以审计未完成为由拖欠"
            "工程款{amount}元。",
            (100000, 3000000, 10000),
            "builder",
        ),
    ),
    "consumer": (
        DisputeTemplate(
            "预付卡退费纠纷",
            "{a}在{r}办理预付卡充值{amount}元，后该店更换经营者并停止服务，{a}要求退还余额，"
            "另有多名消费者反映同样问题。",
            (1000, 20000, 100),
            "prepaid",
        ),
        DisputeTemplate(
            "家电维修纠纷",
            "{a}的冰箱经{r}维修后仍无法正常使用，{r}拒绝退还维修费{amount}元，双方发生争执。",
            (200, 3000, 10),
            "repair",
        ),
        DisputeTemplate(
            "商品质量纠纷",
            "{a}在{r}购买的商品存在质量问题，要求退货退款{amount}元，商家以已拆封为由拒绝。",
            (100, 8000, 10),
            "retail",
        ),
    ),
    "traffic": (
        DisputeTemplate(
            "交通事故赔偿纠纷",
            "{a}驾驶电动自行车行经{community}路口时与{r}驾驶的小型轿车相撞，{a}受伤住院，"
            "交警认定{r}负主要责任。双方就医疗费、误工费等赔偿{amount}元未达成一致，"
            "保险公司作为第三人参加调解。",
            (5000, 150000, 500),
            None,
            "insurer",
        ),
        DisputeTemplate(
            "车辆剐蹭纠纷",
            "{r}在{loc}附近倒车时剐蹭{a}停放的车辆，双方对维修费用{amount}元存在争议。",
            (500, 15000, 100),
            None,
        ),
    ),
    "medical": (
        DisputeTemplate(
            "医疗损害赔偿纠纷",
            "{a}的家属在{r}行手术后出现并发症，{a}认为医院存在过错，要求赔偿{amount}元，"
            "医院认为诊疗符合规范。",
            (20000, 600000, 1000),
            "hospital",
        ),
        DisputeTemplate(
            "医疗服务纠纷",
            "{a}在{r}就诊时对检查项目和收费有异议，认为存在过度检查，要求退还费用{amount}元"
            "并赔礼道歉。",
            (300, 12000, 10),
            "hospital",
        ),
    ),
    "debt": (
        DisputeTemplate(
            "民间借贷纠纷",
            "{r}于{years}年前向{a}借款{amount}元，约定一年内归还，到期后{r}以生意亏损为由"
            "拒不还款，{a}持有借条。",
            (5000, 500000, 1000),
            None,
        ),
        DisputeTemplate(
            "买卖合同欠款纠纷",
            "{a}向{r}供应建材，累计货款{amount}元，{r}支付部分后余款拖欠{months}个月未付。",
            (10000, 900000, 1000),
            "builder",
        ),
    ),
    "other": (
        DisputeTemplate(
            "广场舞噪音纠纷",
            "{a}反映，{community}广场每晚有居民跳广场舞，音响音量过大持续至晚上十点，"
            "影响周边住户休息，与组织者{r}多次沟通无果。",
            None,
            None,
        ),
        DisputeTemplate(
            "合伙纠纷",
            "{a}与{r}合伙经营小吃店{years}年，因经营理念不合决定散伙，双方对合伙财产和"
            "债务分担存在分歧，涉及金额{amount}元。",
            (20000, 300000, 1000),
            None,
        ),
        DisputeTemplate(
            "人身损害赔偿纠纷",
            "{a}与{r}因琐事发生口角后互相推搡，{a}摔倒受伤，要求{r}赔偿医疗费{amount}元。",
            (500, 30000, 100),
            None,
        ),
    ),
}

# Why a case was not accepted, and where a redirected case was sent, by dispute type.
REJECT_REASONS = (
    "一方当事人明确拒绝调解（人民调解法第十七条）",
    "纠纷已由人民法院受理",
    "不属于人民调解受理范围",
)
REDIRECT_TO = {
    "labour": "jk-rsj",
    "consumer": "jk-scjgj",
    "traffic": "jk-pcs-th",
    "medical": "jk-wjw",
    "land_housing": "jk-nyj",
    "construction": "jk-zjj",
    "property_management": "jk-zjj",
    "debt": "jk-court",
    "family": "jk-court",
    "neighbour": "jk-pcs-hb",
    "other": "jk-xfj",
}
AGENT_RELATIONS_FAMILY = ("儿子", "女儿", "配偶", "侄子", "兄弟")
