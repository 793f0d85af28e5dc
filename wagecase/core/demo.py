"""Demo data of the shared core: Tianshui city (6205) with its counties, departments, one user
per role and a few hundred enterprises. Idempotent: run it again and nothing is duplicated.

Later apps add their own seeders with `register_seeder(weight, func)`; `manage.py seed_demo` runs
them in order with one random generator, so the demo is the same on every machine."""
import datetime
import random

from django.db import transaction

from .choices import CreditRating, DepartmentKind, EnterpriseRole, Role
from .identifiers import make_id_number, make_mobile, make_uscc
from .models import Department, Enterprise, PolicyValue, Region, User

SEEDERS = []

CITY = "6205"
COUNTIES = ["620502", "620503", "620521", "620522", "620523", "620524", "620525"]
DEMO_PASSWORD = "demo-2026"  # demo only: documented in README, never for a real deployment

# username, role, region, department kind, full name, industries
DEMO_USERS = [
    ("inspector", Role.INSPECTOR, "620502", DepartmentKind.LABOUR_INSPECTION, "李志强", []),
    ("inspector2", Role.INSPECTOR, "620502", DepartmentKind.LABOUR_INSPECTION, "王海燕", []),
    ("inspector_maiji", Role.INSPECTOR, "620503", DepartmentKind.LABOUR_INSPECTION, "赵国平", []),
    ("staff", Role.OFFICE_STAFF, "620502", DepartmentKind.HRSS, "张晓梅", []),
    ("head", Role.OFFICE_HEAD, "6205", DepartmentKind.HRSS, "陈建华", []),
    # The city brigade's inspectors cover every county (the five smaller ones have no inspector of their own).
    ("inspector_city", Role.INSPECTOR, "6205", DepartmentKind.LABOUR_INSPECTION, "刘文博", []),
    ("inspector_city2", Role.INSPECTOR, "6205", DepartmentKind.LABOUR_INSPECTION, "马鹏飞", []),
    ("bureau_housing", Role.BUREAU, "6205", DepartmentKind.HOUSING, "天水市住建局数据接口", ["housing"]),
    ("bureau_transport", Role.BUREAU, "6205", DepartmentKind.TRANSPORT, "天水市交通局数据接口", ["transport"]),
    ("admin", Role.ADMIN, "6205", DepartmentKind.HRSS, "系统管理员", []),
    # The county's two signatories of reports sent up (双签字): the deputy county head in charge and the bureau head.
    ("leader_qinzhou", Role.OFFICE_HEAD, "620502", DepartmentKind.HRSS, "孙立新", []),
    ("head_qinzhou", Role.OFFICE_HEAD, "620502", DepartmentKind.HRSS, "何静", []),
]
# Who signs reports in which capacity (User.signs_for).
DEMO_SIGNERS = {"leader_qinzhou": "locality", "head_qinzhou": "department", "head": "department"}

COUNTY_DEPARTMENTS = [
    (DepartmentKind.HRSS, "{n}人力资源和社会保障局（根治欠薪办）"),
    (DepartmentKind.LABOUR_INSPECTION, "{n}劳动保障监察大队"),
    (DepartmentKind.HOUSING, "{n}住房和城乡建设局"),
    (DepartmentKind.TRANSPORT, "{n}交通运输局"),
    (DepartmentKind.WATER, "{n}水务局"),
    (DepartmentKind.DEVELOPMENT_REFORM, "{n}发展和改革局"),
    (DepartmentKind.FINANCE, "{n}财政局"),
    (DepartmentKind.STATE_ASSETS, "{n}国有资产管理中心"),
    (DepartmentKind.PUBLIC_SECURITY, "天水市公安局{n}分局"),
    (DepartmentKind.COURT, "{n}人民法院"),
    (DepartmentKind.LETTERS_VISITS, "{n}信访局"),
]
CITY_DEPARTMENTS = [
    (DepartmentKind.HRSS, "天水市人力资源和社会保障局（市根治欠薪办）"),
    (DepartmentKind.LABOUR_INSPECTION, "天水市劳动保障监察支队"),
    (DepartmentKind.HOUSING, "天水市住房和城乡建设局"),
    (DepartmentKind.TRANSPORT, "天水市交通运输局"),
    (DepartmentKind.WATER, "天水市水务局"),
    (DepartmentKind.POWER, "国网天水供电公司"),
    (DepartmentKind.ENERGY, "天水市能源局"),
    (DepartmentKind.DEVELOPMENT_REFORM, "天水市发展和改革委员会"),
    (DepartmentKind.FINANCE, "天水市财政局"),
    (DepartmentKind.STATE_ASSETS, "天水市政府国有资产监督管理委员会"),
    (DepartmentKind.PUBLIC_SECURITY, "天水市公安局"),
    (DepartmentKind.COURT, "天水市中级人民法院"),
    (DepartmentKind.LETTERS_VISITS, "天水市信访局"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强海燕国平晓梅建华文博军伟芳娟明勇涛静磊洋艳杰鹏辉敏宁峰刚霞斌亮平东丽红兵飞鑫瑞浩宇晨旭凯鸿彬彪"
BRANDS = ["华建", "陇原", "秦州", "麦积", "天河", "伏羲", "羲皇", "金城", "恒泰", "宏达", "鑫源", "中天", "瑞丰", "永安", "长城",
          "西部", "丝路", "汇通", "振兴", "隆盛", "嘉禾", "兴陇", "聚源", "盛达", "三阳", "渭水", "凤凰", "玉泉", "南山", "北道"]
KINDS = [
    ([EnterpriseRole.GENERAL_CONTRACTOR], "建筑工程有限公司"),
    ([EnterpriseRole.GENERAL_CONTRACTOR], "建设集团有限公司"),
    ([EnterpriseRole.GENERAL_CONTRACTOR, EnterpriseRole.SUBCONTRACTOR], "市政工程有限公司"),
    ([EnterpriseRole.GENERAL_CONTRACTOR], "路桥工程有限公司"),
    ([EnterpriseRole.SUBCONTRACTOR], "装饰工程有限公司"),
    ([EnterpriseRole.SUBCONTRACTOR], "钢结构工程有限公司"),
    ([EnterpriseRole.SUBCONTRACTOR], "水电安装工程有限公司"),
    ([EnterpriseRole.LABOUR_SERVICE], "劳务有限公司"),
    ([EnterpriseRole.LABOUR_SERVICE], "建筑劳务分包有限公司"),
    ([EnterpriseRole.BUILDER], "房地产开发有限公司"),
    ([EnterpriseRole.BUILDER], "置业有限公司"),
]
STREETS = ["民主路", "青年北路", "藉河南路", "羲皇大道", "环城西路", "天水郡路", "成纪大道", "陇昌路", "岷山路", "建设路", "解放路", "东团庄路"]

# Policies as the demo's province and city set them (inheritance: county → city → province → national).
DEMO_POLICIES = [
    ("62", "deposit_rate", "2.00", "甘肃省工资保证金实施办法（演示）"),
    ("62", "criminal_threshold_per_worker", "5000.00", "甘肃省拒不支付劳动报酬罪数额标准（演示）"),
    ("62", "criminal_threshold_total", "30000.00", "甘肃省拒不支付劳动报酬罪数额标准（演示）"),
    ("6205", "monitoring_threshold", "3000000.00", "天水市在建工程项目监管范围（演示）"),
    ("6205", "clue_resolve_days", "30", "天水市欠薪线索办理时限（演示）"),
    ("620525", "deposit_rate", "1.50", "张家川县差异化缴存（演示）"),
]


def not_after(t, latest, day):
    """A time planned on `day` (today or earlier), no later than `latest` (a moment before now) and no
    earlier than `day`'s midnight. Capped by `latest` alone, a time planned for today fell on yesterday
    when the seeding ran in the first minutes after midnight (latest = 00:00:30 - 1 min), and its
    service refused the date as being in the future (`make test` at 00:00 Beijing time: 13 errors)."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=t.tzinfo)
    return min(t, max(latest, start))


def register_seeder(weight, func):
    SEEDERS.append((weight, func))
    SEEDERS.sort(key=lambda s: s[0])


def person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def seed_core(rng, out):
    user_rng = random.Random(rng.random())
    county_names = {r.code: r.name for r in Region.objects.filter(code__in=COUNTIES)}
    for code in COUNTIES:
        for kind, pattern in COUNTY_DEPARTMENTS:
            Department.objects.get_or_create(
                region_id=code, name=pattern.format(n=county_names[code]),
                defaults={"kind": kind, "phone": f"0938-{rng.randint(2000000, 8999999)}", "address": f"天水市{county_names[code]}{rng.choice(STREETS)}{rng.randint(1, 200)}号"},
            )
    for kind, name in CITY_DEPARTMENTS:
        Department.objects.get_or_create(
            region_id=CITY, name=name,
            defaults={"kind": kind, "phone": f"0938-{rng.randint(2000000, 8999999)}", "address": f"天水市秦州区{rng.choice(STREETS)}{rng.randint(1, 200)}号"},
        )
    out(f"departments: {Department.objects.filter(region__code__startswith=CITY).count()}")

    for username, role, region, kind, full_name, industries in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username, full_name=full_name, role=role, jurisdiction_id=region,
            department=Department.objects.filter(region_id=region, kind=kind).first(),
            industries=industries, is_staff=role == Role.ADMIN,
            phone=make_mobile(user_rng), signs_for=DEMO_SIGNERS.get(username, ""),
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    # The demo bureaus are API clients (named tokens, throttling, call log, webhooks): see docs/integration.*.md.
    from wagecase.integrations.models import ApiClient

    for user in User.objects.filter(role=Role.BUREAU, username__in=[u[0] for u in DEMO_USERS]):
        ApiClient.objects.get_or_create(user=user, defaults={"name": user.username, "contact": user.full_name})
    if not User.objects.filter(username="superadmin").exists():
        User.objects.create_superuser("superadmin", password=DEMO_PASSWORD, full_name="超级管理员", role=Role.ADMIN, jurisdiction_id="62")
    out(f"users: {User.objects.count()}")

    for region_code, key, value, basis in DEMO_POLICIES:
        if not PolicyValue.objects.filter(region_id=region_code, key=key).exists():
            policy = PolicyValue(region_id=region_code, key=key, value=value, basis=basis)
            policy.full_clean()
            policy.save()

    seed_enterprises(rng, out)


def seed_enterprises(rng, out, count=320):
    existing = set(Enterprise.objects.values_list("name", flat=True))
    townships = {}
    for code, name, parent in Region.objects.filter(parent_id__in=COUNTIES).values_list("code", "name", "parent_id"):
        townships.setdefault(parent, []).append((code, name))
    city_investment = [
        ("天水市城市建设投资（集团）有限公司", [EnterpriseRole.BUILDER], "620502"),
        ("天水市交通建设投资集团有限公司", [EnterpriseRole.BUILDER], "620502"),
        ("天水市水务投资有限责任公司", [EnterpriseRole.BUILDER], "620503"),
        ("甘肃第四建设集团有限责任公司天水分公司", [EnterpriseRole.GENERAL_CONTRACTOR], "620502"),
        ("甘肃路桥建设集团有限公司天水分公司", [EnterpriseRole.GENERAL_CONTRACTOR], "620503"),
    ]
    planned = list(city_investment)
    attempts = 0
    while len(planned) < count and attempts < count * 20:
        attempts += 1
        county = rng.choice(COUNTIES + ["620502", "620503"])  # the two districts are busier
        roles, suffix = rng.choice(KINDS)
        name = f"天水{rng.choice(BRANDS)}{rng.choice(BRANDS)}{suffix}"
        if name in {p[0] for p in planned}:
            continue
        planned.append((name, roles, county))
    created = 0
    county_names = dict(Region.objects.filter(code__in=COUNTIES).values_list("code", "name"))
    for name, roles, county in planned:
        if name in existing:
            continue
        rng = random.Random(f"enterprise:{name}")  # same name, same data: reruns stay idempotent
        township = rng.choice(townships.get(county, [(county, "")]))
        enterprise = Enterprise(
            uscc=make_uscc(rng, county),
            name=name,
            legal_representative=person_name(rng),
            legal_representative_id_number=make_id_number(rng, rng.choice(["620502", "620521", "620522", "620523", "620524"])),
            contact_phone=make_mobile(rng),
            address=f"甘肃省天水市{county_names[county]}{township[1]}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            region_id=township[0] if len(township[0]) == 9 else county,
            roles=[r.value for r in roles],
            credit_rating=rng.choices([CreditRating.A, CreditRating.B, CreditRating.C], weights=[80, 15, 5])[0],
        )
        enterprise.full_clean()
        enterprise.save()
        created += 1
    out(f"enterprises: {Enterprise.objects.count()} ({created} new)")


register_seeder(0, seed_core)


def refresh_planner_statistics(*models):
    """ANALYZE these tables (all, when none is named) on PostgreSQL, inside the seeding's transaction.

    The seeders write thousands of rows in one transaction and then query them. Autovacuum cannot
    see uncommitted rows, and a table last analyzed while empty (a test database after a rollback)
    is planned as holding 0 rows: nested loops over sequential scans, one query per contractor in
    the deposits taking 3 s (a test's demo seeding ran over 18 minutes in CI). ANALYZE inside the
    transaction counts its own rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}" if tables else "ANALYZE")


def run_seeders(out=print, seed=2026):
    for _weight, func in SEEDERS:
        # Each seeder gets its own generator, so what one skips on a rerun cannot shift another.
        rng = random.Random(f"{seed}:{func.__module__}.{func.__name__}")
        with transaction.atomic():
            func(rng, out)
            refresh_planner_statistics()
