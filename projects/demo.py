"""Demo data of projects: about 300 construction projects across Tianshui's seven counties, in every
state and investment type, with their parties, real-name rosters, attendance, allocations,
payroll (with realistic gaps and arrears concentrated on a minority of projects), deposits,
notice boards, compliance scores and warnings.

Dates are relative to today, so the demo stays lived-in. Idempotent: keyed on the project code;
a project that exists is left alone. Everything about one project comes from a generator derived
from its code, so a rerun (or another machine) reproduces the same data; the few hundred people
who worked on two projects come from a generator of their own.

Writes go through projects.services (refresh=False, one project_refresh per project at the end);
subcontractors and work teams (no service yet) are validated and saved as models, and attendance
(no service either) is bulk-created, which still logs each row in the change log."""
import bisect
import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count
from stdnum.cn import ric

from wagecase.core.choices import DepartmentKind, EnterpriseRole
from wagecase.core.demo import refresh_planner_statistics, register_seeder
from wagecase.core.identifiers import make_id_number, make_mobile
from wagecase.core.models import Department, Enterprise, Region
from wagecase.core.validators import normalize_id_number
from wagecase.core.workdays import add_working_days, previous_working_day_or_same

from .choices import DepositForm, InvestmentType, NoticeItem, PaidVia, ProjectStatus
from .compliance import deposit_balance, month_end, months_between, next_month, payday_for
from .deposit import required_deposit
from .models import Attendance, Employment, PayrollLine, Project, ProjectSubcontractor, ProjectWarning, Worker, WorkTeam
from .services import (
    account_set, allocation_upsert, deposit_drawdown, deposit_set, deposit_topped_up, notice_board_set, payroll_upsert,
    project_refresh, project_save, roster_entry_check, roster_register_many,
)

CODE_PREFIX = "TS"
# Projects per county: the two districts are busier.
COUNTY_PROJECTS = {"620502": 80, "620503": 68, "620521": 28, "620522": 31, "620523": 33, "620524": 30, "620525": 28}
SHORT_COUNTY = {"620525": "张家川县"}
SHARED_WORKERS = 320  # people on the rosters of two projects, one after the other

G, SOE, PPP, SOC = InvestmentType.GOVERNMENT, InvestmentType.SOE, InvestmentType.PPP, InvestmentType.SOCIAL
PLANNED, IN_PROGRESS, SUSPENDED, COMPLETED = (
    ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED)

# Contract amounts (yuan) by size tier, drawn log-uniformly; workers on the roster; months of work.
TIERS = {
    "S": ((800_000, 4_500_000), (8, 9), (4, 9)),
    "M": ((3_000_000, 40_000_000), (8, 11), (8, 18)),
    "L": ((30_000_000, 200_000_000), (10, 16), (14, 30)),
    "XL": ((150_000_000, 600_000_000), (16, 28), (24, 36)),
}

PLACES = {
    "620502": ["藉河南岸", "藉河北岸", "七里墩", "东团庄", "暖和湾", "双桥", "西十里", "南山", "东十里", "天水郡", "赤峪", "吕二沟"],
    "620503": ["社棠工业园区", "马跑泉", "花牛", "北道埠", "桥南", "渭滨", "二十里铺", "甘泉", "中滩", "道北", "永川河"],
    "620521": ["永清", "红堡", "牛头河", "轩辕", "上邽", "温泉"],
    "620522": ["兴国", "莲花", "叶堡", "陇城", "郭嘉", "葫芦河"],
    "620523": ["大像山", "新兴", "磐安", "渭阳", "六峰", "冀城"],
    "620524": ["城关", "洛门", "鸳鸯", "滩歌", "温泉", "山丹"],
    "620525": ["张家川", "龙山", "恭门", "马鹿", "关山", "川王"],
}
RIVERS = {"620502": ["藉河"], "620503": ["渭河", "永川河"], "620521": ["牛头河"], "620522": ["葫芦河", "清水河"],
          "620523": ["渭河", "散渡河"], "620524": ["渭河", "榜沙河"], "620525": ["后川河"]}
ROADS = {"620502": ["藉河南路", "羲皇大道", "岷山路", "成纪大道", "天水郡路", "环城西路"],
         "620503": ["陇昌路", "渭滨南路", "埠南路", "商埠路", "马跑泉路"]}
ESTATES = ["藉河湾", "御景苑", "锦绣华庭", "翰林府", "滨河花园", "伏羲城", "学府壹号", "天水郡府", "云山府", "渭水湾", "金色家园",
           "阳光城", "幸福里", "书香苑", "时代广场", "名都花园"]
PHASES = ["一期", "二期", "三期"]
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

# (industry, weight, [(name pattern, investment types with weights, tiers)]). Slots: {c} county,
# {t}/{t2} township, {p} place, {r} river, {road}, {estate}, {phase}, {n}/{m} numbers, {nth}, {mw}.
TEMPLATES = {
    "housing": (52, [
        ("{c}{p}棚户区改造项目（{phase}）", {G: 5, SOE: 2, PPP: 2}, ["L", "XL"]),
        ("{c}{t}老旧小区改造工程", {G: 1}, ["S", "M"]),
        ("{estate}{n}#—{m}#住宅楼及地下车库工程", {SOC: 1}, ["M", "L"]),
        ("{estate}{n}#—{m}#住宅楼及地下车库工程", {SOC: 1}, ["M", "L"]),
        ("{estate}{n}#—{m}#住宅楼及地下车库工程", {SOC: 1}, ["M", "L"]),
        ("{estate}商住小区（{phase}）建设项目", {SOC: 1}, ["L"]),
        ("{estate}商住小区（{phase}）建设项目", {SOC: 1}, ["L"]),
        ("{c}{p}商业综合体建设项目", {SOC: 1}, ["L", "XL"]),
        ("{c}第{nth}中学教学综合楼建设项目", {G: 1}, ["M"]),
        ("{c}人民医院住院综合楼建设项目", {G: 3, PPP: 1}, ["L"]),
        ("{c}{t}中心小学风雨操场建设项目", {G: 1}, ["S"]),
        ("{c}{t}幼儿园建设项目", {G: 1}, ["S", "M"]),
        ("{c}保障性租赁住房建设项目（{phase}）", {SOE: 2, G: 1}, ["M", "L"]),
        ("{c}{p}标准化厂房建设项目", {SOE: 2, PPP: 1, SOC: 1}, ["M", "L"]),
        ("{c}中医医院迁建项目", {G: 1}, ["L"]),
        ("{c}{t}卫生院业务用房建设项目", {G: 1}, ["S"]),
        ("{c}{t}便民服务中心建设项目", {G: 1}, ["S"]),
        ("{c}{p}片区城市更新项目", {PPP: 2, SOE: 1}, ["XL"]),
        ("{c}养老服务中心建设项目", {G: 2, PPP: 1}, ["M"]),
        ("{estate}{n}#楼装饰装修工程", {SOC: 1}, ["S"]),
        ("{estate}{n}#楼装饰装修工程", {SOC: 1}, ["S"]),
    ]),
    "transport": (15, [
        ("{c}{t}至{t2}农村公路提质改造工程", {G: 1}, ["S", "M"]),
        ("{c}{r}{t}大桥新建工程", {G: 2, SOE: 1}, ["M", "L"]),
        ("{c}城区{road}道路改造工程", {G: 1}, ["M"]),
        ("S{n}线{t}至{t2}段公路改建工程", {G: 2, SOE: 1}, ["L", "XL"]),
        ("{c}{t}汽车客运站建设项目", {SOE: 1, G: 1}, ["M"]),
        ("{c}城乡公交首末站及停车场建设项目", {PPP: 1, G: 1}, ["S", "M"]),
    ]),
    "water": (13, [
        ("{c}{t}农村饮水安全巩固提升工程", {G: 1}, ["S", "M"]),
        ("{r}{c}段防洪治理工程", {G: 1}, ["M", "L"]),
        ("{c}污水处理厂提标改造工程", {G: 1, PPP: 1}, ["M"]),
        ("{c}{t}高标准农田建设项目", {G: 1}, ["S", "M"]),
        ("{c}{t}水土保持综合治理工程", {G: 1}, ["S", "M"]),
        ("{c}城区供水管网改造工程", {SOE: 1, G: 1}, ["M"]),
    ]),
    "power": (5, [
        ("{c}{t}110千伏输变电工程", {SOE: 1}, ["M", "L"]),
        ("{c}农村电网巩固提升工程（{phase}）", {SOE: 1}, ["M"]),
        ("{c}{t}35千伏变电站新建工程", {SOE: 1}, ["M"]),
    ]),
    "energy": (6, [
        ("{c}{t}{mw}兆瓦光伏发电项目", {SOE: 2, SOC: 1}, ["L", "XL"]),
        ("{c}{t}分散式风电项目", {SOE: 1, SOC: 1}, ["L"]),
        ("{c}城区天然气管网延伸工程", {SOE: 1, SOC: 1}, ["M"]),
        ("{c}集中供热管网改造工程", {SOE: 1, G: 1}, ["M"]),
    ]),
    "other": (9, [
        ("{c}{t}农贸市场改造项目", {G: 1, SOC: 1}, ["S", "M"]),
        ("{c}冷链物流中心建设项目", {SOC: 1, SOE: 1}, ["M", "L"]),
        ("{c}{p}文化广场建设项目", {G: 1}, ["S", "M"]),
        ("{c}全民健身中心建设项目", {G: 1, PPP: 1}, ["M"]),
        ("{c}{t}乡村振兴示范村建设项目", {G: 1}, ["S"]),
        ("{c}{t}农产品加工园区配套工程", {SOC: 1, G: 1}, ["S", "M"]),
    ]),
}
# Projects anyone in Tianshui would recognise: (county, industry, investment type, name, tier).
FIXED = {
    "620502": [("housing", G, "秦州区藉河南岸棚户区改造项目（二期）", "XL")],
    "620503": [("housing", SOE, "麦积区社棠工业园区标准化厂房建设项目", "L"),
               ("transport", G, "G310线天水过境段改建工程", "XL")],
    "620521": [("water", G, "清水县城乡供水一体化工程", "L")],
}

REGULATOR_KIND = {"housing": DepartmentKind.HOUSING, "transport": DepartmentKind.TRANSPORT, "water": DepartmentKind.WATER,
                  "power": DepartmentKind.POWER, "energy": DepartmentKind.ENERGY, "other": DepartmentKind.HOUSING}
PUBLIC_BUILDER = {"transport": "天水市交通建设投资集团有限公司", "water": "天水市水务投资有限责任公司"}
CITY_BUILDER = "天水市城市建设投资（集团）有限公司"
BIG_CONTRACTORS = {"transport": "甘肃路桥建设集团有限公司天水分公司", "*": "甘肃第四建设集团有限责任公司天水分公司"}
BANKS = ["中国农业银行天水分行", "中国建设银行天水分行", "中国工商银行天水分行", "甘肃银行天水分行", "天水农村商业银行",
         "中国银行天水分行", "中国邮政储蓄银行天水市分行", "兰州银行天水分行"]

# Trades: daily wage range (yuan).
TRADES = {
    "钢筋工": (260, 360), "木工": (280, 380), "瓦工": (260, 350), "架子工": (270, 370), "电焊工": (300, 400),
    "水电工": (260, 350), "混凝土工": (230, 320), "油漆工": (230, 320), "普工": (180, 240), "塔吊司机": (320, 400),
    "抹灰工": (250, 330), "防水工": (240, 320), "挖掘机司机": (320, 400), "信号工": (220, 280), "管道工": (250, 340),
    "电工": (270, 360), "测量员": (240, 320), "路基工": (220, 300), "安装工": (260, 350),
}
# Work teams by industry: (team name, [(trade, weight)], team weight).
TEAMS = {
    "housing": [
        ("钢筋班组", [("钢筋工", 5), ("电焊工", 1), ("普工", 1)], 4), ("木工班组", [("木工", 5), ("普工", 1)], 4),
        ("砌筑抹灰班组", [("瓦工", 3), ("抹灰工", 2), ("普工", 1)], 3), ("架子班组", [("架子工", 5), ("普工", 1)], 2),
        ("混凝土班组", [("混凝土工", 4), ("普工", 2)], 2), ("水电安装班组", [("水电工", 4), ("电焊工", 1)], 2),
        ("装饰班组", [("油漆工", 3), ("防水工", 1), ("普工", 1)], 2), ("机械班组", [("塔吊司机", 2), ("信号工", 2)], 1),
    ],
    "transport": [
        ("路基班组", [("路基工", 3), ("挖掘机司机", 1), ("普工", 2)], 4), ("桥梁班组", [("钢筋工", 3), ("木工", 2), ("混凝土工", 2), ("电焊工", 1)], 3),
        ("路面班组", [("普工", 2), ("混凝土工", 2), ("挖掘机司机", 1)], 3), ("测量班组", [("测量员", 1)], 1),
        ("排水防护班组", [("瓦工", 2), ("普工", 2)], 2),
    ],
    "water": [
        ("管道班组", [("管道工", 4), ("电焊工", 1), ("普工", 2)], 4), ("土方班组", [("挖掘机司机", 1), ("普工", 3)], 3),
        ("混凝土班组", [("混凝土工", 3), ("普工", 1)], 2), ("钢筋班组", [("钢筋工", 4), ("电焊工", 1)], 2),
        ("砌筑班组", [("瓦工", 3), ("普工", 1)], 1),
    ],
    "power": [
        ("电气安装班组", [("电工", 3), ("安装工", 2)], 3), ("线路班组", [("电工", 2), ("普工", 2)], 3),
        ("土建班组", [("瓦工", 1), ("混凝土工", 1), ("钢筋工", 1), ("普工", 2)], 2),
    ],
    "energy": [
        ("支架安装班组", [("安装工", 3), ("电焊工", 1), ("普工", 2)], 4), ("电气班组", [("电工", 3), ("普工", 1)], 3),
        ("土建班组", [("瓦工", 1), ("混凝土工", 2), ("钢筋工", 1), ("普工", 2)], 2), ("管道班组", [("管道工", 3), ("电焊工", 1)], 1),
    ],
}
TEAMS["other"] = TEAMS["housing"][:5] + [TEAMS["housing"][6]]
SUBCONTRACT_SCOPES = {"钢结构": "钢结构制作安装专业分包", "装饰": "装饰装修工程专业分包", "水电安装": "水电安装工程专业分包",
                      "市政": "市政配套工程专业分包"}

# Birthplaces: each a list of codes in time order (the code a person gets must have existed at their birth).
ORIGINS = {
    "620502": ["622501", "620502"], "620503": ["622522", "620503"], "620521": ["622523", "620521"],
    "620522": ["622530", "620522"], "620523": ["622529", "620523"], "620524": ["622528", "620524"],
    "620525": ["622521", "620525"],
    "通渭": ["622424", "621121"], "陇西": ["622425", "621122"], "渭源": ["622426", "621123"], "临洮": ["622427", "621124"],
    "庄浪": ["622726", "620825"], "静宁": ["622727", "620826"], "礼县": ["622526", "622628", "621226"],
    "西和": ["622527", "622627", "621225"], "会宁": ["622423", "620422"], "永登": ["620121"], "临夏": ["622921"],
    "宝鸡": ["610321", "610304"], "陇县": ["610327"], "千阳": ["610328"],
}
OTHER_GANSU = ["通渭", "陇西", "渭源", "临洮", "庄浪", "静宁", "礼县", "西和", "会宁", "永登", "临夏"]
OTHER_PROVINCES = ["宝鸡", "陇县", "千阳"]
SURNAMES = [("王", 9), ("李", 8), ("张", 7), ("刘", 5), ("杨", 6), ("赵", 4), ("马", 4), ("汪", 3), ("何", 2), ("蔡", 2), ("雷", 2),
            ("魏", 2), ("郭", 3), ("牛", 2), ("裴", 1), ("安", 2), ("漆", 1), ("巩", 1), ("董", 2), ("陈", 3), ("周", 2), ("吴", 2),
            ("孙", 2), ("胡", 2), ("朱", 1), ("高", 2), ("罗", 1), ("宋", 1), ("谢", 1), ("韩", 1), ("冯", 1), ("曹", 1), ("彭", 1),
            ("田", 2), ("袁", 1), ("潘", 1), ("姚", 1), ("吕", 1), ("苏", 1), ("任", 1), ("石", 1), ("贾", 1), ("丁", 1), ("薛", 1),
            ("邓", 1), ("白", 1), ("令狐", 0.3), ("上官", 0.2)]
HUI_SURNAMES = [("马", 10), ("穆", 2), ("白", 2), ("哈", 1), ("米", 1), ("苏", 1), ("杨", 2), ("李", 1), ("王", 1)]
MALE_GIVEN = ("建军 国强 永红 天喜 满仓 福生 小平 卫东 拴牢 玉明 金虎 宏伟 志刚 双喜 爱国 彦军 海军 小军 虎林 明亮 保平 红军 建平 "
              "战军 富强 永福 亚军 晓东 鹏飞 俊杰 文斌 学军 国栋 来福 进财 存良 治平 东升 世杰 振华 新民 继红 宝林 志军 永刚 会军 "
              "红兵 万里 德明 文革 向东 斌斌 小龙 永平 忠孝 克俭 耀武 成林 天福 建华 龙飞").split()
MALE_SINGLE = "浩 鑫 强 伟 磊 涛 斌 军 勇 杰 辉 亮 刚 峰 龙 平 林 宁 超 凯 宇 博 虎 彪 明 福 贵 荣".split()
FEMALE_GIVEN = "秀英 桂兰 玉梅 淑芳 红霞 丽娟 彩霞 春梅 小红 秀兰 玉兰 翠萍 芳 燕 霞 娟 丽 静 敏 婷".split()
VILLAGES = ["王家", "李家", "杨家", "石岭", "柳树", "庙坪", "东坡", "西川", "南河", "北山", "枣园", "下曲", "中梁", "新庄"]
STREETS = ["民主路", "青年北路", "解放路", "建设路", "人民路", "新华路", "东大街", "西关路"]
FULL_BOARD = list(NoticeItem.values)
OFTEN_MISSING = ["arbitration_legal_aid", "minimum_wage", "payday", "complaint_hotlines", "subcontractors", "wage_officer"]
CENT = Decimal("0.01")


def weighted(rng, pairs):
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def days(n):
    return datetime.timedelta(days=n)


def money(value):
    return Decimal(str(value)).quantize(CENT)


# --- the plan: codes, names, status, profile (pure: depends only on the generator and the core data) ----
@dataclass
class Person:
    id_number: str
    name: str
    phone: str


@dataclass
class Slot:
    """One place on a roster; a Person fills it."""
    team: int | None
    trade: str
    wage: Decimal
    entered: datetime.date
    exited: datetime.date | None
    contract: datetime.date | None
    person: Person | None = None
    shared: bool = False
    attendance: dict = field(default_factory=dict)  # period -> Decimal days


@dataclass
class Spec:
    code: str
    county: str
    industry: str
    investment_type: str
    name: str
    tier: str
    status: str
    profile: str  # exemplary / ordinary / poor / troubled
    severe: bool
    builder: object
    rng: random.Random = None
    fields: dict = field(default_factory=dict)
    subcontractors: list = field(default_factory=list)  # [(enterprise, scope)]
    teams: list = field(default_factory=list)  # [(name, employer, trades)]
    account: tuple | None = None
    allocations: list = field(default_factory=list)
    slots: list = field(default_factory=list)
    payrolls: list = field(default_factory=list)  # [(period, paid_on, via, {slot index: (due, paid)})]
    board: tuple | None = None
    deposit_mode: str = "full"
    deposit_form: str = DepositForm.CASH
    deposit_factor: float = 1.0
    deposited_on: datetime.date | None = None
    work_end: datetime.date | None = None


class Context:
    """What the seeder reads once from the database, and caches."""

    def __init__(self, today):
        self.today = today
        self.current_month = today.replace(day=1)
        self.county_names = dict(Region.objects.filter(code__in=COUNTY_PROJECTS).values_list("code", "name"))
        self.townships = {}
        rows = Region.objects.filter(parent_id__in=COUNTY_PROJECTS).order_by("code").values_list("code", "name", "parent_id")
        for code, name, parent in rows:
            if len(code) == 9:
                self.townships.setdefault(parent, []).append((code, name))
        enterprises = list(Enterprise.objects.order_by("name", "uscc"))
        self.by_role = {role: [e for e in enterprises if role in e.roles] for role in EnterpriseRole.values}
        self.by_name = {e.name: e for e in enterprises}
        self.regulators = {}
        self._paydays = {}

    def county_of(self, enterprise):
        return enterprise.region_id[:6]

    def regulator(self, industry, county):
        key = (REGULATOR_KIND[industry], county)
        if key not in self.regulators:
            self.regulators[key] = Department.responsible_for(*key)
        return self.regulators[key]

    def payday(self, period, county):
        key = (period, county)
        if key not in self._paydays:
            self._paydays[key] = payday_for(period, county)
        return self._paydays[key]

    def short_name(self, county):
        return SHORT_COUNTY.get(county, self.county_names[county])


def township_short(name):
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def make_plan(rng, ctx):
    specs = []
    names = set()
    severe_left = 5
    for county, count in COUNTY_PROJECTS.items():
        fixed = FIXED.get(county, [])
        for seq in range(1, count + 1):
            code = f"{CODE_PREFIX}-{county}-{seq:03d}"
            builder = None
            if seq <= len(fixed):
                industry, investment, name, tier = fixed[seq - 1]
                template = None
            else:
                for _attempt in range(30):
                    industry = weighted(rng, {k: v[0] for k, v in TEMPLATES.items()})
                    template, investments, tiers = rng.choice(TEMPLATES[industry][1])
                    if "{r}" in template and county not in RIVERS or "{road}" in template and county not in ROADS:
                        continue
                    investment = weighted(rng, investments)
                    tier = rng.choice(tiers)
                    if investment == SOC:
                        local = [e for e in ctx.by_role["builder"] if ctx.county_of(e) == county and e.name not in (CITY_BUILDER,)]
                        pool = local if local and rng.random() < 0.75 else ctx.by_role["builder"]
                        pool = [e for e in pool if not e.name.startswith("天水市")] or pool
                        builder = rng.choice(pool)
                    name = fill_name(rng, ctx, template, county, builder)
                    if name not in names:
                        break
                else:
                    name = f"{name[:-2]}（{rng.choice(PHASES)}）{name[-2:]}"
            names.add(name)
            if builder is None:
                builder = ctx.by_name.get(PUBLIC_BUILDER.get(industry, CITY_BUILDER)) if investment != SOC else None
                if builder is None:  # core data without the city investment companies: any builder
                    builder = rng.choice(ctx.by_role["builder"])
            status = weighted(rng, {IN_PROGRESS: 63, COMPLETED: 14, PLANNED: 14, SUSPENDED: 9})
            if status == COMPLETED and tier == "XL":
                status = IN_PROGRESS
            profile = weighted(rng, {
                PLANNED: {"exemplary": 40, "ordinary": 45, "poor": 15},
                IN_PROGRESS: {"exemplary": 33, "ordinary": 44, "poor": 13, "troubled": 10},
                COMPLETED: {"exemplary": 45, "ordinary": 45, "poor": 5, "troubled": 5},
                SUSPENDED: {"ordinary": 35, "poor": 25, "troubled": 40},
            }[status])
            if investment == SOC and profile == "exemplary" and status != PLANNED and rng.random() < 0.15:
                profile = "troubled"  # private developers short of cash
            severe = False
            if profile == "troubled" and status in (IN_PROGRESS, SUSPENDED) and tier in ("L", "XL") and severe_left:
                severe, severe_left = True, severe_left - 1
            specs.append(Spec(code=code, county=county, industry=industry, investment_type=investment, name=name, tier=tier,
                              status=status, profile=profile, severe=severe, builder=builder))
    return specs


def fill_name(rng, ctx, template, county, builder):
    townships = [t for t in ctx.townships.get(county, []) if t[1].endswith(("镇", "乡", "街道"))]
    townships = townships or [(county, ctx.county_names[county])]
    t, t2 = rng.sample(townships, 2) if len(townships) > 1 else (townships[0], townships[0])
    brand = builder.name[2:4] if builder is not None and builder.name.startswith("天水") else rng.choice(["恒泰", "宏达", "嘉禾"])
    values = {
        "c": ctx.short_name(county), "t": township_short(t[1]), "t2": township_short(t2[1]),
        "p": rng.choice(PLACES[county]), "r": rng.choice(RIVERS.get(county, ["渭河"])), "road": rng.choice(ROADS.get(county, ["城区"])),
        "estate": f"{brand}·{rng.choice(ESTATES)}", "phase": rng.choice(PHASES), "n": rng.randint(1, 12),
        "nth": rng.choice(ORDINALS), "mw": rng.choice([20, 30, 50, 100]),
    }
    values["m"] = values["n"] + rng.randint(2, 8)
    if template.startswith("S{n}"):
        values["n"] = rng.choice([218, 306, 307, 311, 502])
    return template.format(**values)


# --- one project in full (pure) -------------------------------------------------------------------
def build_spec(spec, ctx):
    rng = spec.rng = random.Random(f"project:{spec.code}")
    today = ctx.today
    (low, high), crew, months = TIERS[spec.tier]
    amount = money(round(low * (high / low) ** rng.random(), 2))
    duration = days(int(rng.randint(*months) * 30.4))

    # Dates relative to today.
    if spec.status == PLANNED:
        signed = today - days(rng.randint(3, 75))
        start = today + days(rng.randint(7, 120))
        work_end = None
    elif spec.status == COMPLETED:
        completed = today - days(rng.randint(35, 520))
        built = days(int(rng.randint(3, 5) * 30.4))
        start = max(completed - built, today - days(860))
        signed = start - days(rng.randint(5, 40))
        work_end = completed
    elif spec.status == SUSPENDED:
        work_end = today - days(rng.randint(20, 150))
        start = work_end - days(rng.randint(60, 200))
        signed = start - days(rng.randint(5, 60))
    else:
        start = today - days(rng.randint(20, 330 if spec.tier in ("L", "XL") else 200))
        lead = rng.randint(10, 300) if spec.tier in ("L", "XL") and rng.random() < 0.4 else rng.randint(3, 45)
        signed = max(start - days(lead), today - days(900))
        work_end = today
    planned_end = start + duration
    if spec.status == COMPLETED:
        planned_end = max(start + days(30), work_end + days(rng.randint(-30, 20)))
    elif spec.status == IN_PROGRESS and planned_end < today + days(20) and rng.random() < 0.7:
        planned_end = today + days(rng.randint(20, 200))  # extended; the rest are overdue
    spec.work_end = work_end

    county = spec.county
    townships = ctx.townships.get(county) or [(county, ctx.county_names[county])]
    streets = [t for t in townships if t[1].endswith("街道")]
    township = next((t for t in townships if township_short(t[1]) in spec.name), None)
    if township is None:  # in the two districts, most named sites lie in the urban streets
        township = rng.choice(streets if streets and rng.random() < 0.6 else townships)
    if township[0].startswith(county + "0") and county in ROADS:  # a street (街道) of a district
        address = f"甘肃省天水市{ctx.county_names[county]}{township[1]}{rng.choice(ROADS[county] + STREETS)}{rng.randint(1, 300)}号"
    else:
        address = f"甘肃省天水市{ctx.county_names[county]}{township[1]}{rng.choice(VILLAGES)}村"

    gc = pick_contractor(rng, ctx, spec)
    good = spec.profile == "exemplary"
    spec.fields = dict(
        code=spec.code, name=spec.name, region_id=county, township_id=township[0] if len(township[0]) == 9 else None,
        address=address, investment_type=spec.investment_type, industry=spec.industry, contract_amount=amount,
        contract_signed_on=signed, start_date=start, planned_end_date=planned_end,
        completed_on=work_end if spec.status == COMPLETED else None, status=spec.status, builder=spec.builder,
        general_contractor=gc, regulator=ctx.regulator(spec.industry, county),
        wage_officer_name=person_name(rng, county, False), wage_officer_phone=make_mobile(rng),
        injury_insurance=good or rng.random() < {"ordinary": 0.92, "poor": 0.55, "troubled": 0.8}.get(spec.profile, 1),
        payment_guarantee=good or rng.random() < (0.8 if spec.investment_type != SOC else 0.5),
    )
    if spec.profile == "poor" and rng.random() < 0.1:
        spec.fields["wage_officer_name"] = spec.fields["wage_officer_phone"] = ""

    plan_parties(spec, ctx, gc)
    plan_account(spec, ctx)
    if spec.status != PLANNED and not (spec.profile == "poor" and spec.status == IN_PROGRESS and rng.random() < 0.12):
        n = rng.randint(*crew) if not spec.severe else rng.randint(32, 36)
        plan_roster(spec, ctx, n)
    plan_board(spec, ctx)
    plan_deposit(spec, ctx)
    return spec


def pick_contractor(rng, ctx, spec):
    big = BIG_CONTRACTORS.get(spec.industry, BIG_CONTRACTORS["*"])
    if spec.tier == "XL" or (spec.tier == "L" and rng.random() < 0.3):
        if big in ctx.by_name:
            return ctx.by_name[big]
    pool = ctx.by_role["general_contractor"]
    if spec.industry == "transport":
        pool = [e for e in pool if "路桥" in e.name or "市政" in e.name] or pool
    elif spec.industry in ("water", "power", "energy"):
        pool = [e for e in pool if "市政" in e.name or "建设" in e.name] or pool
    local = [e for e in pool if ctx.county_of(e) == spec.county]
    if local and rng.random() < 0.65:
        pool = local
    return rng.choice(pool)


def plan_parties(spec, ctx, gc):
    rng = spec.rng
    subs = []
    if spec.status != PLANNED:
        labour = ctx.by_role["labour_service"]
        specialists = [e for e in ctx.by_role["subcontractor"] if e.pk != gc.pk]
        if labour and (spec.tier != "S" or rng.random() < 0.5):
            subs.append((rng.choice(labour), "劳务分包"))
        wanted = {"S": 0, "M": rng.randint(0, 2), "L": rng.randint(1, 3), "XL": rng.randint(2, 3)}[spec.tier]
        for _i in range(wanted):
            enterprise = rng.choice(specialists)
            scope = next((s for k, s in SUBCONTRACT_SCOPES.items() if k in enterprise.name), "专业分包")
            if all(enterprise.pk != e.pk for e, _s in subs):
                subs.append((enterprise, scope))
    spec.subcontractors = subs


def plan_account(spec, ctx):
    rng, today = spec.rng, ctx.today
    signed = spec.fields["contract_signed_on"]
    mode = weighted(rng, {
        "exemplary": {"on_time": 1}, "ordinary": {"on_time": 88, "late": 12},
        "poor": {"on_time": 45, "late": 35, "none": 20}, "troubled": {"on_time": 75, "late": 20, "none": 5},
    }[spec.profile])
    if mode == "none":
        return
    opened = signed + days(rng.randint(2, 28) if mode == "on_time" else rng.randint(35, 100))
    if opened > today:
        if mode == "late":
            return  # not opened yet
        opened = max(signed, today - days(1))
    number = "".join(str(rng.randint(0, 9)) for _ in range(19))
    spec.account = (rng.choice(BANKS), "2705" + number[4:], opened)


def person_name(rng, origin, female):
    surnames = HUI_SURNAMES if origin in ("620525", "622521") and rng.random() < 0.6 else SURNAMES
    surname = weighted(rng, surnames)
    if female:
        return surname + rng.choice(FEMALE_GIVEN)
    return surname + (rng.choice(MALE_GIVEN) if rng.random() < 0.72 else rng.choice(MALE_SINGLE))


_code_valid = {}


def code_for(origin, birth):
    for code in reversed(ORIGINS[origin]):
        key = (code, birth)
        if key not in _code_valid:
            partial = f"{code}{birth:%Y%m%d}001"
            _code_valid[key] = ric.is_valid(partial + ric.calc_check_digit(partial + "0"))
        if _code_valid[key]:
            return code
    return None


def make_person(rng, county, trade, used, today):
    """A person with a valid resident ID, mostly born in Gansu, aged about 20 to 60."""
    roll = rng.random()
    if roll < 0.38:
        origin = county
    elif roll < 0.62:
        origin = rng.choice(list(COUNTY_PROJECTS))
    elif roll < 0.92:
        origin = rng.choice(OTHER_GANSU)
    else:
        origin = rng.choice(OTHER_PROVINCES)
    female = rng.random() < (0.22 if trade in ("普工", "油漆工") else 0.03)
    for _attempt in range(20):
        age = min(62, max(20, round(rng.triangular(20, 62, 46))))
        birth = datetime.date(today.year - age, 1, 1) + days(rng.randint(0, 364))
        code = code_for(origin, birth)
        number = make_id_number(rng, code, birth=birth, female=female) if code else make_id_number(rng, ORIGINS[origin][-1], female=female)
        if number not in used:
            used.add(number)
            return Person(number, person_name(rng, origin, female), make_mobile(rng))
    raise RuntimeError("could not draw a new ID number")


def plan_roster(spec, ctx, n):
    rng, today = spec.rng, ctx.today
    start, work_end = spec.fields["start_date"], spec.work_end
    last_day = min(work_end, today - days(1))
    if last_day < start:
        return
    team_defs = TEAMS[spec.industry]
    wanted = max(2, min(len(team_defs), round(n / 7)))
    chosen = sorted(rng.sample(range(len(team_defs)), wanted))
    employers = [e for e, _scope in spec.subcontractors] or [spec.fields["general_contractor"]]
    labour_first = employers[0]
    spec.teams = []
    for i in chosen:
        name, trades, _w = team_defs[i]
        employer = labour_first if rng.random() < 0.7 else rng.choice(employers)
        spec.teams.append((name, employer, trades))
    team_weights = [team_defs[i][2] for i in chosen]

    defect = {"exemplary": (0, 0), "ordinary": (0, 0), "poor": (0.08, 0.05), "troubled": (0.05, 0.03)}[spec.profile]
    ordinary_late = spec.profile == "ordinary" and rng.random() < 0.15
    month_end_start = month_end(start)
    for index in range(n):
        team = index if index < len(spec.teams) else rng.choices(range(len(spec.teams)), weights=team_weights)[0]
        trade = weighted(rng, spec.teams[team][2])
        wage = Decimal(round(rng.randint(*TRADES[trade]), -1))
        core = index < len(spec.teams) or rng.random() < 0.65
        if core:  # the first crew arrives in the first days, within the start month
            entered = start + days(rng.randint(0, min(5, (month_end_start - start).days)))
        else:
            span = (last_day - start).days
            entered = start + days(rng.randint(0, max(0, span - 3)))
        entered = min(entered, last_day)
        exited = None
        if spec.status == COMPLETED:
            exited = work_end - days(rng.randint(0, 15)) if core else entered + days(rng.randint(20, 200))
            exited = min(max(exited, entered), work_end)
        elif spec.status == SUSPENDED:
            exited = work_end + days(rng.randint(0, 3))
            if not core and rng.random() < 0.4:
                exited = entered + days(rng.randint(20, 150))
            exited = max(min(exited, today - days(1)), entered)
        elif not core and rng.random() < 0.3:
            candidate = entered + days(rng.randint(30, 200))
            exited = candidate if candidate < today - days(3) else None
        roll = rng.random()
        if roll < defect[1]:
            contract = None
        elif roll < defect[0] + defect[1] or (ordinary_late and index == n - 1):
            contract = entered + days(rng.randint(1, 12))  # signed after entering the site
            if contract >= today:
                contract = None
        else:
            contract = entered - days(rng.randint(1, 6))
        spec.slots.append(Slot(team, trade, wage, entered, exited, contract))


def plan_attendance(spec, ctx):
    rng, today = spec.rng, ctx.today
    for slot in spec.slots:
        end = min(slot.exited or today, spec.work_end or today, today - days(1))
        for month in months_between(slot.entered, end):
            first, last = max(slot.entered, month), min(end, month_end(month))
            if last < first:
                continue
            span = (last - first).days + 1
            full = (month_end(month) - month).days + 1
            if span >= full - 1:
                # Winter and the Spring Festival thin out January and February.
                worked = rng.randint(15, 24) if month.month in (1, 2) else rng.randint(18, 28)
            else:
                worked = max(1, min(28, round(span * rng.uniform(0.7, 0.9))))
            value = Decimal(worked) + (Decimal("0.5") if rng.random() < 0.1 and worked < 28 else 0)
            slot.attendance[month] = value


def plan_money(spec, ctx):
    """Payroll and allocations, month by month, with the project's habits and troubles."""
    rng, today = spec.rng, ctx.today
    county = spec.county
    months = sorted({m for slot in spec.slots for m in slot.attendance if m < ctx.current_month})
    due_months = [m for m in months if ctx.payday(m, county) < today]
    arrears_months = set()
    affected_share = 0
    if spec.profile == "troubled" and due_months:
        k = rng.randint(3, 4) if spec.severe else rng.randint(1, 3)
        arrears_months = set(due_months[-k:])
        affected_share = rng.uniform(0.9, 1.0) if spec.severe else rng.uniform(0.3, 0.7)
    deduction_month = rng.choice(due_months) if spec.profile == "ordinary" and due_months and rng.random() < 0.05 else None
    p_late, p_other, p_missing = {"exemplary": (0, 0, 0), "ordinary": (0.015, 0.01, 0), "poor": (0.15, 0.15, 0.06),
                                  "troubled": (0.1, 0.05, 0)}[spec.profile]
    other_via = rng.choice([PaidVia.SUBCONTRACTOR, PaidVia.CASH])
    totals = {}
    for month in months:
        payday = ctx.payday(month, county)
        lines = {}
        for index, slot in enumerate(spec.slots):
            worked = slot.attendance.get(month)
            if worked:
                due = money(slot.wage * worked)
                lines[index] = [due, due]
        if not lines:
            continue
        totals[month] = sum(due for due, _paid in lines.values())
        roll = rng.random()
        if month in arrears_months:
            paid_on = payday + days(rng.randint(0, 20))
            for index in lines:
                if rng.random() < affected_share:
                    share = 0 if rng.random() < 0.4 else rng.uniform(0.2, 0.7)
                    lines[index][1] = money(round(float(lines[index][0]) * share, -2))
        elif roll < p_missing and month in due_months:
            continue  # no payroll record at all for this month
        elif roll < p_missing + p_late and month in due_months:
            paid_on = payday + days(rng.randint(3, 30))
        else:
            earliest = next_month(month) + days(4)
            paid_on = previous_working_day_or_same(earliest + days(rng.randint(0, max(0, (payday - earliest).days))))
            paid_on = max(paid_on, next_month(month))
        if paid_on > today:
            if payday >= today:
                continue  # not paid yet, and not due yet
            paid_on = max(today - days(1), payday + days(1)) if today - days(1) > payday else today
        via = PaidVia.CONTRACTOR_BANK if rng.random() >= p_other or month in arrears_months else other_via
        if month == deduction_month:
            index = rng.choice(list(lines))
            lines[index][1] = max(Decimal("0.00"), money(lines[index][0] - rng.randint(3, 15) * 100))
        spec.payrolls.append((month, paid_on, via, {i: (due, paid) for i, (due, paid) in lines.items()}))

    if spec.account is None:
        return
    opened = spec.account[2]
    alloc_missing = set()
    if spec.profile == "troubled" and arrears_months:
        alloc_missing = {m for m in arrears_months if rng.random() < 0.7}
    p_alloc_late, p_alloc_missing = {"exemplary": (0, 0), "ordinary": (0.03, 0.02), "poor": (0.12, 0.12),
                                     "troubled": (0.05, 0.02)}[spec.profile]
    for month, total in sorted(totals.items()):
        roll = rng.random()
        if month in alloc_missing or roll < p_alloc_missing:
            continue
        if month in arrears_months:
            amount = total * Decimal(str(round(rng.uniform(0.2, 0.5), 2)))
        else:
            amount = total * Decimal(str(round(rng.uniform(1.0, 1.25), 2)))
        if roll < p_alloc_missing + p_alloc_late:
            paid_on = month_end(next_month(month)) + days(rng.randint(3, 40))
        elif rng.random() < 0.6:
            paid_on = month + days(rng.randint(14, (month_end(month) - month).days))
        else:
            paid_on = next_month(month) + days(rng.randint(0, 12))
        paid_on = max(paid_on, opened + days(1))
        if paid_on > today:
            continue
        spec.allocations.append((month, money(round(float(amount), -3) or 1000), paid_on))


def plan_board(spec, ctx):
    rng, today = spec.rng, ctx.today
    start = spec.fields["start_date"]
    if spec.status == PLANNED:
        if rng.random() < 0.35:
            spec.board = (max(spec.fields["contract_signed_on"], today - days(rng.randint(0, 20))), FULL_BOARD)
        return
    mode = weighted(rng, {"exemplary": {"full": 1}, "ordinary": {"full": 78, "partial": 17, "none": 5},
                          "poor": {"full": 35, "partial": 35, "none": 30},
                          "troubled": {"full": 60, "partial": 25, "none": 15}}[spec.profile])
    if mode == "none":
        return
    items = FULL_BOARD
    if mode == "partial":
        missing = set(rng.sample(OFTEN_MISSING, rng.randint(1, 3)))
        items = [i for i in FULL_BOARD if i not in missing]
    spec.board = (min(start + days(rng.randint(0, 7)), today), items)


def plan_deposit(spec, ctx):
    rng, today = spec.rng, ctx.today
    spec.deposit_mode = weighted(rng, {"exemplary": {"full": 1}, "ordinary": {"full": 85, "short": 10, "none": 5},
                                       "poor": {"full": 40, "short": 30, "none": 30},
                                       "troubled": {"full": 70, "short": 20, "none": 10}}[spec.profile])
    spec.deposit_form = weighted(rng, {DepositForm.CASH: 45, DepositForm.BANK_GUARANTEE: 35, DepositForm.INSURANCE: 20})
    spec.deposit_factor = rng.uniform(0.4, 0.85)
    deposited = spec.fields["contract_signed_on"] + days(rng.randint(3, 30))
    spec.deposited_on = deposited if deposited <= today else (today if spec.deposit_mode == "full" else None)
    if spec.deposited_on is None:
        spec.deposit_mode = "none"


# --- people on two projects --------------------------------------------------------------------------
def share_workers(rng, specs, ctx, used, count=SHARED_WORKERS):
    """Fill `count` pairs of slots (same trade, different projects, the second entered after the first
    left) with one person each: one person, many projects."""
    later = sorted(
        ((slot.entered, si, i) for si, spec in enumerate(specs) for i, slot in enumerate(spec.slots) if i >= len(spec.teams)),
    )
    entered_dates = [e for e, _si, _i in later]
    leavers = [(si, i) for si, spec in enumerate(specs) for i, slot in enumerate(spec.slots) if slot.exited and i >= len(spec.teams)]
    rng.shuffle(leavers)
    taken = set()
    pairs = 0
    for si, i in leavers:
        if pairs >= count:
            break
        if (si, i) in taken:
            continue
        first = specs[si].slots[i]
        lo = bisect.bisect_left(entered_dates, first.exited + days(3))
        hi = bisect.bisect_right(entered_dates, first.exited + days(150))
        candidates = [(sj, j) for _e, sj, j in later[lo:hi]
                      if sj != si and (sj, j) not in taken and specs[sj].slots[j].trade == first.trade]
        if not candidates:
            continue
        sj, j = rng.choice(candidates)
        person = make_person(random.Random(f"shared-worker:{pairs}"), specs[si].county, first.trade, used, ctx.today)
        for a, b in ((si, i), (sj, j)):
            specs[a].slots[b].person = person
            specs[a].slots[b].shared = True
            taken.add((a, b))
        pairs += 1
    return pairs


# --- writing ---------------------------------------------------------------------------------------
def write_project(spec, ctx):
    project = project_save(project=Project(**spec.fields), refresh=False)
    for enterprise, scope in spec.subcontractors:
        row = ProjectSubcontractor(project=project, enterprise=enterprise, scope_of_work=scope)
        row.full_clean()
        row.save()
    teams = []
    for t, (name, employer, _trades) in enumerate(spec.teams):
        leader = next((s.person for s in spec.slots if s.team == t), None)
        team = WorkTeam(project=project, name=name, employer=employer,
                        leader_name=leader.name if leader else "", leader_phone=leader.phone if leader else "")
        team.full_clean()
        team.save()
        teams.append(team)
    if spec.account:
        bank, number, opened = spec.account
        account_set(project=project, bank_name=bank, account_number=number, opened_on=opened, refresh=False)
    for period, amount, paid_on in spec.allocations:
        allocation_upsert(project=project, period=period, amount=amount, paid_on=paid_on, refresh=False)
    # The roster as the import and the bulk API write it: each entry checked by the models' rules,
    # then the whole roster in a few statements, every worker and entry change-logged.
    entries = []
    for slot in spec.slots:
        team = teams[slot.team] if slot.team is not None else None
        entry = {
            "id_number": slot.person.id_number, "name": slot.person.name, "phone": slot.person.phone,
            "trade": slot.trade, "employer": team.employer if team else project.general_contractor, "team": team,
            "contract_signed_on": slot.contract, "entered_on": slot.entered, "exited_on": slot.exited,
            "daily_wage": slot.wage,
        }
        roster_entry_check(project=project, entry=entry)
        entries.append(entry)
    roster_register_many(project=project, entries=entries, refresh=False)
    on_roster = {e.worker.id_number: e for e in Employment.objects.filter(project=project).select_related("worker")}
    employments = [on_roster[normalize_id_number(slot.person.id_number)] for slot in spec.slots]
    Attendance.objects.bulk_create([
        Attendance(employment=employment, project=project, period=period, days=worked)
        for employment, slot in zip(employments, spec.slots) for period, worked in sorted(slot.attendance.items())
    ])
    for period, paid_on, via, lines in spec.payrolls:
        payroll_upsert(project=project, period=period, paid_on=paid_on, paid_via=via, refresh=False, lines=[
            {"id_number": spec.slots[i].person.id_number, "amount_due": due, "amount_paid": paid} for i, (due, paid) in lines.items()
        ])
    if spec.board:
        notice_board_set(project=project, installed_on=spec.board[0], items=spec.board[1], refresh=False)
    return project


def write_deposit(spec, project, ctx):
    """After every payroll is in: the requirement depends on the contractor's record on all projects."""
    requirement = required_deposit(project, ctx.today)
    if requirement.amount == 0:
        if requirement.exempt and spec.rng.random() < 0.6:
            return deposit_set(project=project, exempt=True, exemption_reason=str(requirement.reasons[-1])[:300], refresh=False)
        return None
    if spec.deposit_mode == "none":
        return None
    amount = requirement.amount
    if spec.deposit_mode == "short":
        amount = amount * Decimal(str(round(spec.deposit_factor, 2)))
    amount = (amount / 100).quantize(Decimal("1"), rounding=ROUND_CEILING) * 100
    return deposit_set(project=project, form=spec.deposit_form, amount=amount, deposited_on=spec.deposited_on, refresh=False)


def write_drawdowns(candidates, ctx):
    """A few deposits drawn to pay workers after an order to pay was ignored: one topped up in time,
    one overdue, one drawn days ago."""
    reason = "企业逾期未履行《劳动保障监察限期改正指令书》，动用工资保证金支付拖欠的农民工工资"
    today = ctx.today
    for kind, (spec, project, deposit, owed) in zip(("topped_up", "overdue", "recent"), candidates):
        rng = spec.rng
        drawn_on = today - days({"topped_up": rng.randint(35, 60), "overdue": rng.randint(25, 40), "recent": rng.randint(2, 5)}[kind])
        if deposit.deposited_on and drawn_on <= deposit.deposited_on:
            continue
        balance = deposit_balance(deposit, drawn_on)
        amount = min(balance, (owed * Decimal(str(round(rng.uniform(0.3, 0.6), 2))) / 100).quantize(Decimal("1")) * 100)
        if amount <= 0:
            continue
        drawdown = deposit_drawdown(project=project, amount=amount, drawn_on=drawn_on, reason=reason, refresh=False)
        if kind == "topped_up":
            deposit_topped_up(drawdown=drawdown, topped_up_on=min(add_working_days(drawn_on, rng.randint(5, 9)), today), refresh=False)


def seed_projects(rng, out):
    began = time.monotonic()
    timings = {}
    ctx = Context(datetime.date.today())
    if not ctx.by_role["builder"] or not ctx.by_role["general_contractor"]:
        out("projects: no builders or general contractors in the core data; skipped")
        return
    specs = make_plan(rng, ctx)
    for spec in specs:
        build_spec(spec, ctx)
    used = set()
    shared = share_workers(random.Random(rng.random()), specs, ctx, used)
    for spec in specs:
        person_rng = random.Random(f"roster:{spec.code}")
        names = {slot.person.name for slot in spec.slots if slot.person}
        for slot in spec.slots:
            if slot.person is None:
                slot.person = make_person(person_rng, spec.county, slot.trade, used, ctx.today)
                while slot.person.name in names:  # two people of one name on a site confuse everyone
                    slot.person.name = person_name(person_rng, slot.person.id_number[:6], slot.person.id_number[16] in "02468")
                names.add(slot.person.name)
        plan_attendance(spec, ctx)
        plan_money(spec, ctx)

    timings["plan"] = time.monotonic() - began
    existing = set(Project.objects.filter(code__in=[s.code for s in specs]).values_list("code", flat=True))
    new = [s for s in specs if s.code not in existing]
    written = [(spec, write_project(spec, ctx)) for spec in new]
    timings["write"] = time.monotonic() - began - sum(timings.values())
    # The deposits below read the payroll just written, one contractor at a time.
    refresh_planner_statistics(Project, Worker, Employment, PayrollLine, PayrollLine.payroll.field.related_model)
    drawdown_candidates = []
    for spec, project in written:
        deposit = write_deposit(spec, project, ctx)
        owed = sum((due - paid for _p, _d, _v, lines in spec.payrolls for due, paid in lines.values()), Decimal("0"))
        if deposit is not None and not deposit.exempt and owed > 0 and spec.status != COMPLETED and spec.deposit_mode == "full":
            drawdown_candidates.append((spec, project, deposit, owed))
    drawdown_candidates.sort(key=lambda c: -c[3])
    write_drawdowns(drawdown_candidates[:3], ctx)
    timings["deposits"] = time.monotonic() - began - sum(timings.values())
    for _spec, project in written:
        project_refresh(project=project)
    timings["refresh"] = time.monotonic() - began - sum(timings.values())

    demo = Project.objects.filter(code__startswith=f"{CODE_PREFIX}-")
    severities = dict(ProjectWarning.objects.filter(project__in=demo, active=True).values_list("severity").annotate(n=Count("pk")))
    workers = Worker.objects.filter(employments__project__in=demo).annotate(n=Count("employments"))
    out(f"projects: {demo.count()} ({len(new)} new)")
    out(f"workers: {workers.count()} ({workers.filter(n__gte=2).count()} on two projects; {shared} planned), "
        f"roster entries: {Employment.objects.filter(project__in=demo).count()}, "
        f"payroll lines: {PayrollLine.objects.filter(project__in=demo).count()}")
    out(f"active warnings: red {severities.get('red', 0)}, orange {severities.get('orange', 0)}, "
        f"yellow {severities.get('yellow', 0)}")
    out("projects seeded in %.1f s (%s)" % (time.monotonic() - began, ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())))


register_seeder(10, seed_projects)
