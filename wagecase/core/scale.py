"""Province-scale benchmark data (issue 10): a LOADER, not a service path.

`generate(scale=..., seed=...)` fills the database with realistic, internally consistent data for
Gansu's real counties (regions come from the migrations): enterprises, projects with their dedicated
accounts and deposits, workers on real-name rosters, 12 months of payroll, clues through every state
with their stored deadlines, arrears cases with payments, inspections with failed items and their
rectification orders.

It deliberately bypasses the services, the change log and the signals (that is what makes a million
rows a minute possible): rows are written straight into the real tables with explicit ids, by COPY
on PostgreSQL and by plain `QuerySet.bulk_create` (no `ChangeLoggedQuerySet`, no signals) on SQLite.
Nothing here may be used for real data. Derived fields the services would keep (the clue deadlines
`accept_due/…/due_on/warn_on`, a case's `zero_clearance_due`, `government_type`, `key_monitoring`,
`amount_paid`, a project's `monitoring_required`) are computed here with the same rules, in bulk.

Memory: rows are generated as streams and written in chunks; rows of one table that arise while
another is generated (cases while clues are, orders while inspections are) are spooled to temporary
files. What stays in memory is per project and per enterprise (tens of thousands of small tuples at
province scale), never per worker, payroll line or clue."""
import bisect
import csv
import datetime
import io
import itertools
import json
import math
import pickle
import random
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, models, transaction
from django.utils import timezone
from stdnum.cn import ric, uscc as uscc_mod

from .identifiers import _org_check

CHUNK = 50_000
MARKER_USERNAME = "scale-generator"
USER_PREFIX = "gen-"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Volumes:
    projects: int
    workers: int
    clues: int
    cases: int
    inspections: int
    months: int = 12

    @property
    def enterprises(self):
        return max(40, self.projects * 2 // 5)


SCALES = {
    "tiny": Volumes(projects=20, workers=1_000, clues=300, cases=50, inspections=100),
    "small": Volumes(projects=400, workers=20_000, clues=6_000, cases=1_000, inspections=2_000),
    "province": Volumes(projects=20_000, workers=1_000_000, clues=300_000, cases=50_000, inspections=100_000),
}


class GenerateRefused(Exception):
    """The database holds data the generator did not make (or the settings look like production)."""


# --- Names ---------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强海燕国平晓梅建华文博军伟芳娟明勇涛静磊洋艳杰鹏辉敏宁峰刚霞斌亮平东丽红兵飞鑫瑞浩宇晨旭凯鸿彬彪"
BRANDS = ["华建", "陇原", "金城", "恒泰", "宏达", "鑫源", "中天", "瑞丰", "永安", "长城", "西部", "丝路", "汇通", "振兴", "隆盛",
          "嘉禾", "兴陇", "聚源", "盛达", "三阳", "渭水", "凤凰", "玉泉", "南山", "祁连", "河西", "陇东", "黄河", "敦煌", "崆峒"]
# (roles, suffix, weight)
ENTERPRISE_KINDS = [
    (["builder"], "房地产开发有限公司", 10), (["builder"], "城市建设投资有限公司", 6), (["builder"], "置业有限公司", 6),
    (["general_contractor"], "建筑工程有限公司", 14), (["general_contractor"], "建设集团有限公司", 8),
    (["general_contractor", "subcontractor"], "市政工程有限公司", 6), (["general_contractor"], "路桥工程有限公司", 4),
    (["subcontractor"], "装饰工程有限公司", 8), (["subcontractor"], "钢结构工程有限公司", 5),
    (["subcontractor"], "水电安装工程有限公司", 6), (["labour_service"], "劳务有限公司", 14),
    (["labour_service"], "建筑劳务分包有限公司", 8),
]
PHONE_PREFIXES = ["138", "139", "135", "136", "150", "151", "152", "158", "159", "177", "180", "186", "189", "199"]
BANKS = ["中国农业银行", "中国建设银行", "中国工商银行", "甘肃银行", "兰州银行", "农村商业银行"]
TRADES = ["钢筋工", "木工", "瓦工", "混凝土工", "架子工", "电工", "焊工", "水暖工", "油漆工", "普工", "机械操作工", "测量员"]
INDUSTRIES = [("housing", 52), ("transport", 15), ("water", 13), ("power", 5), ("energy", 6), ("other", 9)]
PROJECT_NAMES = {
    "housing": ["{c}{t}棚户区改造项目", "{c}{t}老旧小区改造工程", "{b}{n}#—{m}#住宅楼工程", "{c}第{n}中学教学楼建设项目",
                "{c}人民医院综合楼建设项目", "{c}{t}保障性租赁住房项目", "{c}{t}标准化厂房建设项目"],
    "transport": ["{c}{t}农村公路提质改造工程", "{c}{t}大桥新建工程", "S{n}线{t}段公路改建工程", "{c}{t}汽车客运站建设项目"],
    "water": ["{c}{t}农村饮水安全巩固提升工程", "{c}{t}防洪治理工程", "{c}污水处理厂提标改造工程", "{c}{t}高标准农田建设项目"],
    "power": ["{c}{t}110千伏输变电工程", "{c}农村电网巩固提升工程", "{c}{t}35千伏变电站新建工程"],
    "energy": ["{c}{t}{n}0兆瓦光伏发电项目", "{c}{t}分散式风电项目", "{c}集中供热管网改造工程"],
    "other": ["{c}{t}农贸市场改造项目", "{c}冷链物流中心建设项目", "{c}全民健身中心建设项目", "{c}{t}乡村振兴示范村建设项目"],
}
# Contract amount range (yuan), share of the roster weight, by size tier.
TIERS = [("S", 800_000, 4_500_000, 1, 40), ("M", 3_000_000, 40_000_000, 4, 35), ("L", 30_000_000, 200_000_000, 12, 18),
         ("XL", 150_000_000, 600_000_000, 30, 7)]
INVESTMENT = [("government", 35), ("soe", 20), ("ppp", 8), ("social", 37)]
GOVERNMENT_TYPES = {"government", "soe", "ppp"}
CHANNELS = [("national_platform", 30), ("hotline_12333", 25), ("hotline_12345", 15), ("window", 12), ("letter_visit", 5),
            ("online", 6), ("qr_code", 5), ("transfer", 1), ("other", 1)]
CATEGORIES = [("wage_arrears", 60), ("project_payment", 15), ("dispute", 12), ("unfounded", 8), ("duplicate", 5)]
CHECKLIST = ["dedicated_account", "real_name", "contractor_payroll", "wage_deposit", "notice_board", "labour_contracts",
             "injury_insurance", "payment_guarantee", "monthly_full_pay"]
METHODS = [("routine", 40), ("double_random", 30), ("unannounced", 15), ("complaint", 10), ("joint", 5)]
COUNTY_DEPARTMENTS = [("hrss", "{n}人力资源和社会保障局（根治欠薪办）"), ("labour_inspection", "{n}劳动保障监察大队"),
                      ("housing", "{n}住房和城乡建设局"), ("transport", "{n}交通运输局"), ("water", "{n}水务局")]
CITY_DEPARTMENTS = COUNTY_DEPARTMENTS + [("power", "国网{n}供电公司"), ("energy", "{n}能源局")]


def _weighted(pairs):
    values = [v for v, _w in pairs]
    cum = list(itertools.accumulate(w for _v, w in pairs))
    return values, cum


def _pick(rng, table):
    values, cum = table
    return values[bisect.bisect_right(cum, rng.random() * cum[-1])]


def person_name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def mobile(rng):
    return f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}"


def money(value):
    return Decimal(value).quantize(CENT)


def month_add(day, n):
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return datetime.date(y, m + 1, 1)


# --- Identifiers that are unique by construction -----------------------------------------------

class IdNumbers:
    """Resident ID numbers derived from a counter: n → (area, birth day, sequence), injective, with a
    valid check digit and an area code that existed on every birth date used (checked with stdnum)."""

    FIRST = datetime.date(1962, 1, 1)
    LAST = datetime.date(2004, 12, 31)

    def __init__(self, county_codes, seed):
        years = range(self.FIRST.year, self.LAST.year + 1)
        self.areas = [c for c in county_codes if all(self._valid(self._with_check(f"{c}{y}0101001")) for y in years)]
        if not self.areas:
            raise ValueError("no county code is valid over the birth years")
        self.days = (self.LAST - self.FIRST).days + 1
        self.multiplier = next(m for m in range(7919, 10**6) if math.gcd(m, self.days) == 1)
        self.offset = seed % self.days

    @staticmethod
    def _valid(number):
        try:
            return ric.is_valid(number)
        except KeyError:  # stdnum's table lacks the county of some codes
            return False

    @staticmethod
    def _with_check(partial):
        return partial + ric.calc_check_digit(partial + "0")

    def __call__(self, n):
        area = self.areas[n % len(self.areas)]
        k = n // len(self.areas)
        day = self.FIRST + datetime.timedelta(days=(k * self.multiplier + self.offset) % self.days)
        sequence = k // self.days
        if sequence >= 1000:
            raise ValueError("identifier space exhausted")
        return self._with_check(f"{area}{day:%Y%m%d}{sequence:03d}")


def make_uscc_n(n, region_code, seed):
    """A valid USCC whose organisation-code body is a bijection of the counter (unique for n < 10^8)."""
    body = f"{(n * 7919 + seed * 104729) % 10**8:08d}"
    partial = f"91{region_code[:6]}{body}{_org_check(body)}"
    return partial + uscc_mod.calc_check_digit(partial)


# --- Working-day arithmetic in bulk -------------------------------------------------------------

class Calendar:
    """`add_working_days` of wagecase.core.workdays over a precomputed range, memoized: the same
    calendar (CalendarDay rows, Monday–Friday fallback), without a loop per call."""

    def __init__(self, first, last):
        from .workdays import is_working_day

        self.first = first
        days = (last - first).days + 1
        self.working = [d for d in (first + datetime.timedelta(days=i) for i in range(days)) if is_working_day(d)]
        self._memo = {}

    def add(self, start, n):
        if n == 0:
            return start
        key = (start, n)
        hit = self._memo.get(key)
        if hit is None:
            if start < self.first:
                from .workdays import add_working_days

                hit = add_working_days(start, n)
            else:
                index = bisect.bisect_right(self.working, start) + n - 1
                if index >= len(self.working):
                    from .workdays import add_working_days

                    hit = add_working_days(start, n)
                else:
                    hit = self.working[index]
            self._memo[key] = hit
        return hit


class ClueDeadlines:
    """complaints.services.clue_set_deadlines for many clues: same policies, same calendar."""

    def __init__(self, calendar):
        self.calendar = calendar
        self._policy = {}

    def policy(self, key, region):
        from .policy import get_policy

        value = self._policy.get((key, region))
        if value is None:
            value = self._policy[(key, region)] = int(get_policy(key, region))
        return value

    def warn_day(self, start, days, region):
        percent = self.policy("clue_warning_percent", region)
        return self.calendar.add(start, max(1, math.ceil(days * percent / 100)) if days else 0)

    def compute(self, c):
        """Fill c's accept_due, accept_warn_on, resolve_due, resolve_warn_on, due_on, warn_on (a dict)."""
        region = c["region"]
        received_on = timezone.localtime(c["received_at"]).date()
        accept_days = self.policy("clue_accept_days", region)
        c["accept_due"] = self.calendar.add(received_on, accept_days)
        c["accept_warn_on"] = self.warn_day(received_on, accept_days, region)
        if c.get("accepted_at"):
            accepted_on = timezone.localtime(c["accepted_at"]).date()
            days = self.policy("clue_resolve_days", region)
            if c.get("extended_at"):
                days += self.policy("clue_extension_days", region)
            c["resolve_due"] = self.calendar.add(accepted_on, days)
            c["resolve_warn_on"] = self.warn_day(accepted_on, days, region)
        else:
            c["resolve_due"] = c["resolve_warn_on"] = None
        status = c["status"]
        if status == "received":
            c["due_on"], c["warn_on"] = c["accept_due"], c["accept_warn_on"]
        elif status in ("accepted", "in_progress"):
            c["due_on"], c["warn_on"] = c["resolve_due"], c["resolve_warn_on"]
        elif status == "transferred":
            transferred_on = timezone.localtime(c["transferred_at"]).date()
            reply_days = self.policy("clue_transfer_reply_days", region)
            pairs = [(c["transfer_due"], self.warn_day(transferred_on, reply_days, region))]
            if c["resolve_due"]:
                pairs.append((c["resolve_due"], c["resolve_warn_on"]))
            c["due_on"], c["warn_on"] = min(pairs)
        else:
            c["due_on"] = c["warn_on"] = None


# --- The loader ---------------------------------------------------------------------------------

def _fmt_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


class Loader:
    """Writes row tuples into a model's table: COPY on PostgreSQL, plain bulk_create elsewhere. Bypasses
    the change log, the services and the signals on purpose (module docstring)."""

    def __init__(self, using="default", out=print):
        self.using = using
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"
        self.out = out
        self.stats = []

    def load(self, model, fields, rows, label=None):
        label = label or model._meta.db_table
        started = time.perf_counter()
        count = 0
        # Wide rows (a clue has 54 columns) in smaller chunks: the chunk is what memory holds.
        for chunk in _chunks(rows, min(CHUNK, 1_000_000 // len(fields))):
            if self.postgres:
                self._copy(model, fields, chunk)
            else:
                self._bulk_create(model, fields, chunk)
            count += len(chunk)
        seconds = time.perf_counter() - started
        self.stats.append({"table": label, "rows": count, "seconds": round(seconds, 3),
                           "rows_per_s": round(count / seconds) if seconds else None})
        rate = f"{count / seconds:,.0f} rows/s" if seconds else "-"
        self.out(f"  {label:<38} {count:>11,} rows {seconds:>8.2f} s  {rate}")
        return count

    def _copy(self, model, fields, chunk):
        meta = model._meta
        columns = ", ".join(self.connection.ops.quote_name(meta.get_field(f).column) for f in fields)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows([_fmt_value(v) for v in row] for row in chunk)
        buffer.seek(0)
        with self.connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {self.connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )

    def _bulk_create(self, model, fields, chunk):
        attnames = [model._meta.get_field(f).attname for f in fields]
        objs = [model(**dict(zip(attnames, row))) for row in chunk]
        # A plain QuerySet: ChangeLoggedQuerySet.bulk_create would log every row.
        models.QuerySet(model=model, using=self.using).bulk_create(objs, batch_size=500)


def _chunks(iterable, size):
    iterator = iter(iterable)
    while True:
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield chunk


class Spool:
    """Rows of another table produced during a pass, kept on disk (pickled batches), not in memory."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.batch = []
        self.count = 0

    def add(self, row):
        self.batch.append(row)
        self.count += 1
        if len(self.batch) >= 10_000:
            self._flush()

    def _flush(self):
        if self.batch:
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def __iter__(self):
        self._flush()
        self.file.seek(0)
        while True:
            try:
                batch = pickle.load(self.file)
            except EOFError:
                break
            yield from batch
        self.file.close()


# --- Guards ---------------------------------------------------------------------------------------

def domain_models():
    from complaints.models import ArrearsCase, CaseEvent, CasePayment, Clue, ClueEvent
    from inspections.models import Inspection, RectificationOrder
    from projects.models import DedicatedAccount, Employment, Payroll, PayrollLine, Project, WageDeposit, Worker

    from .models import Department, Enterprise

    return [Enterprise, Department, Project, DedicatedAccount, WageDeposit, Worker, Employment, Payroll, PayrollLine, Clue,
            ClueEvent, ArrearsCase, CasePayment, CaseEvent, Inspection, RectificationOrder]


def check_database(using="default", force=False):
    """'empty', 'generated' (made by an earlier run: it is replaced) or, with force, 'forced'."""
    from .models import User

    has_marker = User.objects.using(using).filter(username=MARKER_USERNAME).exists()
    holding = [m._meta.label for m in domain_models() if m.objects.using(using).exists()]
    if has_marker:
        return "generated"
    if holding and not force:
        raise GenerateRefused(
            "The database already holds data the generator did not make (%s). Use an empty database, or --force "
            "to add generated data next to it." % ", ".join(holding))
    return "forced" if holding else "empty"


def wipe_generated(using="default"):
    """Remove what an earlier run loaded (only called on a database carrying the marker)."""
    from complaints.models import ClueSequence
    from inspections.models import DocumentSequence, Inspection

    tables = [m._meta.db_table for m in reversed(domain_models()) if m.__name__ != "Department"]
    tables.insert(0, Inspection.inspectors.through._meta.db_table)
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of rows written earlier in this transaction must fire first:
            # PostgreSQL refuses to truncate a table with pending trigger events (a role that is not a superuser).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        ClueSequence.objects.using(using).all().delete()
        DocumentSequence.objects.using(using).all().delete()
        # The generated users and departments stay (they are found again by name), so users made by hand
        # on a generated database (a benchmark's admin, say) keep their department.


# --- Generation ----------------------------------------------------------------------------------

class Generator:
    def __init__(self, volumes, seed, using="default", out=print, today=None):
        self.v = volumes
        self.seed = seed
        self.using = using
        self.out = out
        self.loader = Loader(using, out)
        self.now = timezone.now().replace(microsecond=0)
        self.today = today or timezone.localdate()
        self.tz = timezone.get_current_timezone()
        last_month = month_add(self.today.replace(day=1), -1)
        self.months = [month_add(last_month, i - volumes.months + 1) for i in range(volumes.months)]
        self.window_start = datetime.datetime.combine(self.months[0], datetime.time(8), self.tz)
        self.calendar = Calendar(self.months[0] - datetime.timedelta(days=400), self.today + datetime.timedelta(days=400))
        self.deadlines = ClueDeadlines(self.calendar)
        self._zero_memo = {}

    def rng(self, name):
        return random.Random(f"{self.seed}:{name}")

    def aware(self, day, hour=9, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), self.tz)

    def base(self, model):
        """Explicit ids continue after what the table holds (0 on an empty database)."""
        return model.objects.using(self.using).aggregate(m=models.Max("pk"))["m"] or 0

    # --- orchestration --------------------------------------------------------------------------
    def run(self):
        started = time.perf_counter()
        self.load_regions()
        self.ids = IdNumbers(self.county_codes, self.seed)
        self.person_counter = itertools.count(self.v.workers + 1)  # workers take 0..workers-1
        self.setup_departments_and_users()
        self.gen_enterprises()
        self.plan_projects()
        self.gen_projects()
        self.gen_workers()
        self.gen_employments()
        self.gen_payroll()
        self.gen_clues()
        self.gen_inspections()
        self.gen_cases()
        self.finish()
        total = time.perf_counter() - started
        rows = sum(s["rows"] for s in self.loader.stats)
        self.out(f"  {'total':<38} {rows:>11,} rows {total:>8.2f} s  {rows / total:,.0f} rows/s")
        return {"scale": self.v, "seed": self.seed, "tables": self.loader.stats, "seconds": round(total, 3), "rows": rows}

    # --- regions, departments, users --------------------------------------------------------------
    def load_regions(self):
        from .models import Region

        counties = list(Region.objects.using(self.using).filter(code__startswith="62", level="county").order_by("code")
                        .values_list("code", "name"))
        self.county_codes = [c for c, _n in counties]
        self.county_names = dict(counties)
        self.city_names = dict(Region.objects.using(self.using).filter(code__startswith="62", level="city")
                               .values_list("code", "name"))
        self.townships = {c: [] for c in self.county_codes}
        for code, name, parent in Region.objects.using(self.using).filter(code__startswith="62", level="township") \
                .values_list("code", "name", "parent_id"):
            if parent in self.townships:
                self.townships[parent].append((code, name))
        # Districts of a city proper (62xx0n/62xx1n) are busier than rural counties.
        self.county_table = _weighted([(c, 3 if int(c[4:6]) < 20 else 1) for c in self.county_codes])

    def setup_departments_and_users(self):
        """A few hundred rows: made with the ORM (plain QuerySet, no change log), found again on a rerun."""
        from .models import Department, User

        rng = self.rng("departments")
        wanted = []
        for code in self.county_codes:
            for kind, pattern in COUNTY_DEPARTMENTS:
                wanted.append((code, kind, pattern.format(n=self.county_names[code])))
        for code, name in self.city_names.items():
            for kind, pattern in CITY_DEPARTMENTS:
                wanted.append((code, kind, pattern.format(n=name)))
        existing = set(Department.objects.using(self.using).values_list("region_id", "name"))
        new = [Department(region_id=code, kind=kind, name=name, phone=f"0931-{rng.randint(2000000, 8999999)}",
                          address=f"{self.county_names.get(code) or self.city_names.get(code)}人民路{rng.randint(1, 200)}号")
               for code, kind, name in wanted if (code, name) not in existing]
        models.QuerySet(model=Department, using=self.using).bulk_create(new)
        self.departments = {}
        for pk, code, kind in Department.objects.using(self.using).filter(region__code__startswith="62").order_by("pk") \
                .values_list("pk", "region_id", "kind"):
            self.departments.setdefault((code, kind), pk)

        users = []
        for code in self.county_codes:
            users.append((f"{USER_PREFIX}staff-{code}", "office_staff", code, "hrss"))
            users.append((f"{USER_PREFIX}inspector-{code}-1", "inspector", code, "labour_inspection"))
            users.append((f"{USER_PREFIX}inspector-{code}-2", "inspector", code, "labour_inspection"))
        existing = set(User.objects.using(self.using).filter(username__startswith=USER_PREFIX).values_list("username", flat=True))
        now = self.now
        new = [User(username=u, password="!", full_name=person_name(rng), role=role, jurisdiction_id=code,
                    department_id=self.departments.get((code, kind)), date_joined=now, phone=mobile(rng), industries=[])
               for u, role, code, kind in users if u not in existing]
        models.QuerySet(model=User, using=self.using).bulk_create(new)
        self.staff = {}
        self.inspectors = {}
        for pk, username, code in User.objects.using(self.using).filter(username__startswith=USER_PREFIX).values_list(
                "pk", "username", "jurisdiction_id"):
            if "-staff-" in username:
                self.staff[code] = pk
            else:
                self.inspectors.setdefault(code, []).append(pk)

    # --- enterprises ----------------------------------------------------------------------------
    def gen_enterprises(self):
        from .models import Enterprise

        rng = self.rng("enterprises")
        base = self.base(Enterprise)
        kinds = _weighted([((roles, suffix), w) for roles, suffix, w in ENTERPRISE_KINDS])
        cities = sorted(self.city_names)
        self.enterprises = []  # (id, name, uscc, county)
        self.by_role = {"builder": [], "general_contractor": [], "subcontractor": [], "labour_service": []}
        now = self.now

        def rows():
            for i in range(self.v.enterprises):
                pk = base + i + 1
                roles, suffix = _pick(rng, kinds)
                county = _pick(rng, self.county_table)
                city = self.city_names[county[:4]]
                short = city.replace("市", "").replace("回族自治州", "").replace("藏族自治州", "")
                # Index-derived brand pair: names repeat only after 900 enterprises per city and kind.
                name = f"{short}{BRANDS[i % 30]}{BRANDS[(i // 30 + i) % 30]}{suffix}"
                if i >= 900:
                    name = f"{short}{BRANDS[i % 30]}{BRANDS[(i // 30 + i) % 30]}{i // 900}{suffix}"
                township = rng.choice(self.townships[county]) if self.townships[county] else (county, "")
                code = make_uscc_n(base + i, county, self.seed)
                self.enterprises.append((pk, name, code, county))
                for role in roles:
                    self.by_role[role].append(pk)
                yield (pk, now, now, code, name, person_name(rng), self.ids(next(self.person_counter)), mobile(rng),
                       f"甘肃省{city}{self.county_names[county]}{township[1]}人民路{rng.randint(1, 300)}号",
                       township[0], roles, rng.choices("ABC", weights=[80, 15, 5])[0])

        self.loader.load(Enterprise, ["id", "created", "last_updated", "uscc", "name", "legal_representative",
                                      "legal_representative_id_number", "contact_phone", "address", "region", "roles",
                                      "credit_rating"], rows())
        self.enterprise_by_id = {e[0]: e for e in self.enterprises}

    # --- projects -------------------------------------------------------------------------------
    def plan_projects(self):
        """One small tuple per project: what the later passes (rosters, payroll, clues…) need."""
        from .policy import get_policy

        rng = self.rng("projects")
        industries = _weighted(INDUSTRIES)
        investments = _weighted(INVESTMENT)
        tiers = _weighted([(t, t[4]) for t in TIERS])
        today, months = self.today, self.months
        plans = []
        for i in range(self.v.projects):
            county = _pick(rng, self.county_table)
            industry = _pick(rng, industries)
            investment = _pick(rng, investments)
            tier = _pick(rng, tiers)
            amount = money(math.exp(rng.uniform(math.log(tier[1]), math.log(tier[2]))))
            r = rng.random()
            duration = rng.randint(8, 36)
            if r < 0.07:
                status = "planned"
                start = today + datetime.timedelta(days=rng.randint(10, 180))
                completed = None
                a, b = 1, 0  # no active month
            elif r < 0.19:
                status = "completed"
                start = today - datetime.timedelta(days=rng.randint(420, 1300))
                b = rng.randint(1, len(months) - 1)
                completed = months[b] + datetime.timedelta(days=rng.randint(0, 27))
                a = 0
            elif r < 0.24:
                status = "suspended"
                start = today - datetime.timedelta(days=rng.randint(200, 1000))
                completed = None
                a, b = 0, rng.randint(len(months) // 2, len(months) - 2)
            else:
                status = "in_progress"
                start = today - datetime.timedelta(days=int(rng.triangular(30, 1200, 700)))
                completed = None
                a = max(0, next((k for k, m in enumerate(months) if month_add(m, 1) > start), len(months) - 1))
                b = len(months) - 1
            if status in ("completed", "suspended") and start > months[a]:
                start = months[a] - datetime.timedelta(days=rng.randint(1, 200))
            planned_end = month_add(start.replace(day=1), duration) + datetime.timedelta(days=rng.randint(0, 27))
            if completed and planned_end < start:
                planned_end = completed
            # Workers go where the months are: the payroll then has about 12 lines per worker, as in the issue.
            weight = tier[3] * rng.uniform(0.6, 1.4) * (b - a + 1) ** 2 if a <= b else 0
            gov = investment in GOVERNMENT_TYPES
            builder = rng.choice(self.by_role["builder"])
            gc = rng.choice(self.by_role["general_contractor"])
            threshold = Decimal(get_policy("monitoring_threshold", county))
            monitoring = amount >= threshold
            arrears = rng.random() < 0.08 and a <= b
            plans.append([i, county, industry, investment, tier[0], amount, status, start, planned_end, completed, a, b,
                          weight, gov, builder, gc, monitoring, arrears])
        total = sum(p[12] for p in plans) or 1
        # Workers per project, proportional to the weight; the rounding rest goes to the biggest.
        remaining = self.v.workers
        for p in plans:
            p[12] = int(self.v.workers * p[12] / total)
            remaining -= p[12]
        if remaining:
            max(plans, key=lambda p: p[12])[12] += remaining
        self.plans = [tuple(p) for p in plans]
        self.active_projects = [p for p in self.plans if p[10] <= p[11]]
        self.projects_by_county = {}
        for p in self.active_projects:
            self.projects_by_county.setdefault(p[1], []).append(p)

    P_ID, P_COUNTY, P_INDUSTRY, P_INVEST, P_TIER, P_AMOUNT, P_STATUS, P_START, P_END, P_COMPLETED, P_A, P_B, P_WORKERS, \
        P_GOV, P_BUILDER, P_GC, P_MONITORING, P_ARREARS = range(18)

    def gen_projects(self):
        from projects.models import DedicatedAccount, Project, WageDeposit

        rng = self.rng("project-rows")
        self.project_base = base = self.base(Project)
        now, today = self.now, self.today
        accounts = Spool()
        deposits = Spool()
        regulator_kind = {"housing": "housing", "transport": "transport", "water": "water", "power": "power",
                          "energy": "energy", "other": "housing"}
        account_base = self.base(DedicatedAccount)
        deposit_base = self.base(WageDeposit)

        def rows():
            for p in self.plans:
                pk = base + p[self.P_ID] + 1
                county = p[self.P_COUNTY]
                township = rng.choice(self.townships[county]) if self.townships[county] else None
                tname = township[1] if township else ""
                name = rng.choice(PROJECT_NAMES[p[self.P_INDUSTRY]]).format(
                    c=self.county_names[county], t=tname, b=rng.choice(BRANDS) + "苑", n=rng.randint(1, 30),
                    m=rng.randint(31, 60))
                kind = regulator_kind[p[self.P_INDUSTRY]]
                regulator = self.departments.get((county, kind)) or self.departments.get((county[:4], kind))
                status = p[self.P_STATUS]
                active = status != "planned"
                # Approximation of the nightly compliance score (projects.compliance): arrears and missing
                # systems lower it; the nightly project_refresh recomputes it exactly.
                score = 100 if not active else max(0, 100 - (30 if p[self.P_ARREARS] else 0) - 10 * rng.randint(0, 2))
                if active:
                    opened = p[self.P_START] + datetime.timedelta(days=rng.randint(0, 25))
                    if rng.random() < 0.95:
                        accounts.add((account_base + accounts.count + 1, now, now, pk, rng.choice(BANKS) + "股份有限公司",
                                      f"62{rng.randrange(10**17):017d}", opened,
                                      p[self.P_COMPLETED] + datetime.timedelta(days=60)
                                      if p[self.P_COMPLETED] and p[self.P_COMPLETED] + datetime.timedelta(days=60) <= today else None))
                    if p[self.P_AMOUNT] < Decimal(3_000_000):
                        deposits.add((deposit_base + deposits.count + 1, now, now, pk, "", Decimal("0.00"), None, True,
                                      "合同金额低于300万元，依规免缴", None, None))
                    elif rng.random() < 0.9:
                        deposits.add((deposit_base + deposits.count + 1, now, now, pk,
                                      rng.choice(["cash", "bank_guarantee", "insurance"]), money(p[self.P_AMOUNT] * Decimal("0.02")),
                                      opened, False, "", None, None))
                yield (pk, now, now, f"GS{self.seed % 100:02d}-{p[self.P_ID] + 1:06d}", name, county,
                       township[0] if township else None, f"甘肃省{self.county_names[county]}{tname}",
                       p[self.P_INVEST], p[self.P_INDUSTRY], p[self.P_AMOUNT],
                       p[self.P_START] - datetime.timedelta(days=rng.randint(5, 60)), p[self.P_START], p[self.P_END],
                       p[self.P_COMPLETED], status, p[self.P_BUILDER], p[self.P_GC], regulator, person_name(rng), mobile(rng),
                       rng.random() < 0.93, rng.random() < 0.85, p[self.P_MONITORING], score, today if active else None,
                       Decimal("0.00"))  # wages owed: set from the payroll lines once they are written (gen_payroll)

        self.loader.load(Project, ["id", "created", "last_updated", "code", "name", "region", "township", "address",
                                   "investment_type", "industry", "contract_amount", "contract_signed_on", "start_date",
                                   "planned_end_date", "completed_on", "status", "builder", "general_contractor", "regulator",
                                   "wage_officer_name", "wage_officer_phone", "injury_insurance", "payment_guarantee",
                                   "monitoring_required", "compliance_score", "compliance_evaluated_on", "wages_owed"], rows())
        self.loader.load(DedicatedAccount, ["id", "created", "last_updated", "project", "bank_name", "account_number",
                                            "opened_on", "closed_on"], accounts)
        self.loader.load(WageDeposit, ["id", "created", "last_updated", "project", "form", "amount", "deposited_on", "exempt",
                                       "exemption_reason", "return_notice_on", "returned_on"], deposits)

    def project_pk(self, plan):
        return self.project_base + plan[self.P_ID] + 1

    # --- workers, rosters, payroll ----------------------------------------------------------------
    def gen_workers(self):
        from projects.models import Worker

        rng = self.rng("workers")
        self.worker_base = base = self.base(Worker)
        now = self.now

        def rows():
            for n in range(self.v.workers):
                yield (base + n + 1, now, now, self.ids(n), person_name(rng), mobile(rng),
                       f"6228{rng.randrange(10**15):015d}" if rng.random() < 0.95 else "")

        self.loader.load(Worker, ["id", "created", "last_updated", "id_number", "name", "phone", "bank_account"], rows())

    def roster(self, plan, first_worker):
        """The project's roster, recomputed identically on every call (its own generator):
        [(n, employer, trade, daily_wage, first_month, last_month, entered_on, exited_on)]."""
        rng = random.Random(f"{self.seed}:roster:{plan[self.P_ID]}")
        a, b = plan[self.P_A], plan[self.P_B]
        employers = [plan[self.P_GC]] + rng.sample(self.by_role["subcontractor"] + self.by_role["labour_service"],
                                                   k=min(3, len(self.by_role["subcontractor"]) + len(self.by_role["labour_service"])))
        completed, start, months = plan[self.P_COMPLETED], plan[self.P_START], self.months
        stays = plan[self.P_STATUS] == "in_progress"
        for k in range(plan[self.P_WORKERS]):
            if rng.random() < 0.9:
                first, last = a, b
            else:
                first = rng.randint(a, b)
                last = rng.randint(first, b)
            if first == a:
                entered = max(start, months[a] - datetime.timedelta(days=rng.randint(0, 90)))
            else:
                entered = months[first] + datetime.timedelta(days=rng.randint(0, 9))
            exited = None
            if last < b or not stays:
                exited = months[last] + datetime.timedelta(days=rng.randint(15, 27))
                if completed and exited > completed:
                    exited = completed
                if exited < entered:
                    exited = entered
            wage = Decimal(rng.randrange(180, 450, 10))
            yield (first_worker + k, rng.choice(employers), rng.choice(TRADES), wage, first, last, entered, exited,
                   rng.random() < 0.9)

    def gen_employments(self):
        from projects.models import Employment

        self.employment_base = base = self.base(Employment)
        now = self.now

        def rows():
            first = 0
            for plan in self.plans:
                pk = self.project_pk(plan)
                for n, employer, trade, wage, _f, _l, entered, exited, contract in self.roster(plan, first):
                    yield (base + n + 1, now, now, pk, self.worker_base + n + 1, employer, None, trade, wage,
                           entered - datetime.timedelta(days=2) if contract else None, entered, exited)
                first += plan[self.P_WORKERS]

        self.loader.load(Employment, ["id", "created", "last_updated", "project", "worker", "employer", "team", "trade",
                                      "daily_wage", "contract_signed_on", "entered_on", "exited_on"], rows())

    def gen_payroll(self):
        from projects.compliance import payday_for
        from projects.models import Payroll, PayrollLine, Project

        rng = self.rng("payroll")
        payroll_base = self.base(Payroll)
        line_base = self.base(PayrollLine)
        now, today, months = self.now, self.today, self.months
        payday = {}

        def payroll_rows():
            pk = payroll_base
            for plan in self.plans:
                project = self.project_pk(plan)
                for m in range(plan[self.P_A], plan[self.P_B] + 1):
                    pk += 1
                    key = (plan[self.P_COUNTY], m)
                    if key not in payday:
                        payday[key] = payday_for(months[m], plan[self.P_COUNTY])
                    paid_on = payday[key] if payday[key] <= today else None
                    yield (pk, now, now, project, months[m], paid_on,
                           "contractor_bank" if rng.random() < 0.9 else "subcontractor")

        self.loader.load(Payroll, ["id", "created", "last_updated", "project", "period", "paid_on", "paid_via"], payroll_rows())

        def line_rows():
            pk = line_base
            payroll = payroll_base
            first = 0
            for plan in self.plans:
                project = self.project_pk(plan)
                a, b = plan[self.P_A], plan[self.P_B]
                roster = list(self.roster(plan, first))
                arrears_from = b - rng.randint(0, 3) if plan[self.P_ARREARS] else b + 1
                for m in range(a, b + 1):
                    payroll += 1
                    paid_yet = payday[(plan[self.P_COUNTY], m)] <= today
                    for n, _e, _t, wage, f, last, _en, _ex, _c in roster:
                        if not f <= m <= last:
                            continue
                        pk += 1
                        due = wage * rng.randint(16 if (m == f or m == last) else 20, 28)
                        if not paid_yet:
                            paid = Decimal("0.00")
                        elif m >= arrears_from:
                            paid = money(due * Decimal(rng.choice((0, 0, 30, 50, 70, 90))) / 100)
                        elif rng.random() < 0.01:
                            paid = money(due * Decimal("0.8"))
                        else:
                            paid = due
                        yield (pk, now, now, payroll, project, self.employment_base + n + 1, due, paid)
                first += plan[self.P_WORKERS]

        self.loader.load(PayrollLine, ["id", "created", "last_updated", "payroll", "project", "employment", "amount_due",
                                       "amount_paid"], line_rows())
        # What each project owes, as project_refresh stores it, from the lines just written (outside the
        # change log, like the rest of the loader).
        from django.db.models import QuerySet

        from projects.selectors import wages_owed_expression

        started = time.perf_counter()
        QuerySet(model=Project).using(self.using).filter(pk__gt=self.project_base).update(wages_owed=wages_owed_expression())
        self.out(f"  {'projects: wages owed':<38} {'':>11}      {time.perf_counter() - started:>8.2f} s")

    # --- clues ------------------------------------------------------------------------------------
    CLUE_FIELDS = ["id", "created", "last_updated", "number", "channel", "received_at", "region", "complainant_name",
                   "complainant_phone", "complainant_id_number", "project", "employer_name", "employer_uscc", "employer",
                   "workers_involved", "amount_claimed", "description", "industry", "status", "category", "received_by",
                   "owner", "accept_due", "accept_warn_on", "accepted_at", "resolve_due", "resolve_warn_on",
                   "extension_requested_at", "extension_requested_by", "extension_reason", "extended_at",
                   "extension_approved_by", "due_on", "warn_on", "classified_at", "reject_reason", "transferred_to",
                   "transferred_at", "transfer_reason", "transfer_due", "transfer_replied_at", "transfer_outcome",
                   "transfer_reply", "workers_paid", "amount_recovered", "result", "result_explanation", "resolved_at",
                   "reply", "closed_at", "revisited_at", "revisit_satisfied", "revisit_note", "merged_into"]

    def gen_clues(self):
        from complaints.models import ArrearsCase, CaseEvent, CasePayment, Clue, ClueEvent

        rng = self.rng("clues")
        self.clue_base = base = self.base(Clue)
        event_base = self.base(ClueEvent)
        self.case_base = self.base(ArrearsCase)
        self.payment_base = self.base(CasePayment)
        self.case_event_base = self.base(CaseEvent)
        self.cases = Spool()
        self.payments = Spool()
        self.case_events = Spool()
        self.case_count = 0
        events = Spool()
        channels = _weighted(CHANNELS)
        categories = _weighted(CATEGORIES)
        now = self.now
        span = (now - datetime.timedelta(hours=1) - self.window_start).total_seconds()
        sequences = {}
        self.clue_sequences = sequences
        cases_from_clues = self.v.cases * 3 // 5
        fields = self.CLUE_FIELDS

        def rows():
            for i in range(self.v.clues):
                received = self.window_start + datetime.timedelta(seconds=span * (i + rng.random()) / self.v.clues)
                c = dict.fromkeys(fields)
                c.update(id=base + i + 1, created=received, last_updated=received, received_at=received,
                         channel=_pick(rng, channels))
                if rng.random() < 0.7:
                    plan = rng.choice(self.active_projects)
                    county = plan[self.P_COUNTY]
                    c["project"] = self.project_pk(plan)
                    c["industry"] = plan[self.P_INDUSTRY]
                    enterprise = self.enterprise_by_id[plan[self.P_GC] if rng.random() < 0.7
                                                       else rng.choice(self.by_role["labour_service"] or [plan[self.P_GC]])]
                else:
                    plan = None
                    county = _pick(rng, self.county_table)
                    c["industry"] = ""
                    enterprise = self.enterprise_by_id[rng.choice(self.enterprises)[0]] if rng.random() < 0.6 else None
                c["region"] = county
                if enterprise:
                    c.update(employer_name=enterprise[1], employer_uscc=enterprise[2], employer=enterprise[0])
                else:
                    c.update(employer_name=f"{rng.choice(SURNAMES)}某（包工头）", employer_uscc="", employer=None)
                year = timezone.localtime(received).year
                seq = sequences[(county, year)] = sequences.get((county, year), 0) + 1
                c["number"] = f"{county}-{year}-{seq:06d}"
                c["complainant_name"] = person_name(rng)
                c["complainant_phone"] = mobile(rng)
                c["complainant_id_number"] = self.ids(next(self.person_counter)) if rng.random() < 0.6 else ""
                workers = max(1, int(rng.paretovariate(1.3)))
                c["workers_involved"] = workers
                c["amount_claimed"] = money(workers * rng.randint(1500, 30000))
                c["description"] = f"{workers}名工人反映{c['employer_name']}拖欠{rng.randint(1, 8)}个月工资，合计约{c['amount_claimed']}元。"
                staff = self.staff.get(county)
                c["received_by"] = staff if c["channel"] not in ("national_platform", "online", "qr_code") else None
                c["owner"] = c["received_by"]
                for key in ("extension_reason", "reject_reason", "transfer_reason", "transfer_outcome", "transfer_reply",
                            "result", "result_explanation", "reply", "revisit_note"):
                    c[key] = ""
                self.clue_story(rng, c, categories, staff, plan)
                self.deadlines.compute(c)
                events.add((event_base + events.count + 1, c["id"], "received", received, c["received_by"], "",
                            {"channel": c["channel"]}))
                if (self.case_count < cases_from_clues and plan is not None and c["category"] == "wage_arrears"
                        and c["classified_at"] and rng.random() < (cases_from_clues - self.case_count) / max(1, (self.v.clues - i) * 0.25)):
                    self.add_case(rng, plan, timezone.localtime(c["classified_at"]).date(), staff,
                                  enterprise=c["employer"] or plan[self.P_GC], clue=c)
                yield tuple(c[f] for f in fields)

        self.loader.load(Clue, fields, rows())
        self.loader.load(ClueEvent, ["id", "clue", "type", "created", "user", "comment", "parameters"], events)

    def clue_story(self, rng, c, categories, staff, plan):
        """Walk the clue through its states, as the services would, stopping at now (or earlier: some stall)."""
        now = self.now
        stall = rng.random() < 0.08  # left where it is: these run into their deadlines

        def at(start, low_hours, high_hours):
            t = start + datetime.timedelta(hours=rng.uniform(low_hours, high_hours))
            return None if t > now else t

        c["status"] = "received"
        if rng.random() < 0.06:
            t = at(c["received_at"], 4, 72)
            if t and not stall:
                c.update(status="closed", category="not_accepted", closed_at=t, owner=c["owner"] or staff, last_updated=t,
                         reject_reason="超过两年投诉时效，不予受理。")
            return
        t = at(c["received_at"], 1, 24 * (3 if rng.random() < 0.95 else 10))
        if t is None or (stall and rng.random() < 0.3):
            return
        c.update(status="accepted", accepted_at=t, owner=c["owner"] or staff, last_updated=t)
        t = at(t, 2, 24 * 4)
        if t is None or (stall and rng.random() < 0.3):
            return
        category = _pick(rng, categories)
        c.update(status="in_progress", category=category, classified_at=t, last_updated=t)
        if rng.random() < 0.04:
            requested = at(t, 24 * 10, 24 * 30)
            if requested:
                approved = at(requested, 2, 48)
                c.update(extension_requested_at=requested, extension_requested_by=staff, extension_reason="涉及人数多，需延期办理。")
                if approved:
                    c.update(extended_at=approved, extension_approved_by=staff)
        if not c["extended_at"] and rng.random() < 0.08:
            t2 = at(t, 24, 24 * 5)
            if t2 is None:
                return
            kind = {"housing": "housing", "transport": "transport", "water": "water"}.get(c["industry"], "housing")
            department = self.departments.get((c["region"], kind)) or self.departments.get((c["region"][:4], kind))
            if department is None:
                return
            reply_days = self.deadlines.policy("clue_transfer_reply_days", c["region"])
            c.update(status="transferred", transferred_to=department, transferred_at=t2, last_updated=t2,
                     transfer_reason="属行业主管部门职责，移交处理。",
                     transfer_due=self.calendar.add(timezone.localtime(t2).date(), reply_days))
            if not c["industry"] and kind in ("housing", "transport", "water"):
                c["industry"] = kind
            t3 = at(t2, 48, 24 * 16)
            if t3 is None or stall:
                return
            c.update(transfer_replied_at=t3, transfer_outcome="handled", transfer_reply="已督促企业支付。")
            self.resolve(rng, c, t3, c["category"], c["transfer_reply"])
        else:
            t2 = at(c["extended_at"] or t, 24 * 2, 24 * 70)
            if t2 is None or stall:
                return
            self.resolve(rng, c, t2, category, "经调查核实，已督促用人单位支付拖欠工资。")
        t4 = at(c["resolved_at"], 4, 24 * 10)
        if t4 is None or (stall and rng.random() < 0.5):
            return
        c.update(status="closed", closed_at=t4, last_updated=t4, reply="您反映的问题已办结，欠薪已支付。")
        if rng.random() < 0.3:
            t5 = at(t4, 24, 24 * 15)
            if t5:
                c.update(revisited_at=t5, revisit_satisfied=rng.random() < 0.9, revisit_note="电话回访。")

    def resolve(self, rng, c, t, category, result):
        workers, amount = c["workers_involved"], c["amount_claimed"]
        if category in ("unfounded", "duplicate"):
            paid, recovered = 0, Decimal("0.00")
        elif category == "wage_arrears" and rng.random() < 0.9:
            paid = rng.randint(1, workers)
            recovered = money(amount * Decimal(rng.randint(50, 100)) / 100) or CENT
        elif category == "wage_arrears":
            paid, recovered = 0, Decimal("0.00")
        else:
            paid = rng.randint(0, workers)
            recovered = money(amount * Decimal(rng.randint(0, 100)) / 100)
        c.update(status="resolved", workers_paid=paid, amount_recovered=recovered, result=result, resolved_at=t,
                 last_updated=t)

    # --- cases ------------------------------------------------------------------------------------
    CASE_FIELDS = ["id", "created", "last_updated", "region", "project", "enterprise", "industry", "source_clue",
                   "source_inspection", "occurred_on", "workers_owed", "amount_owed", "description", "responsible_unit",
                   "responsible_leader", "responsible_person", "measures", "deadline", "supervision_level",
                   "leader_in_charge", "government_type", "zero_clearance_due", "amount_paid", "workers_paid",
                   "key_monitoring", "status", "cleared_on", "order_issued_on", "order_pay_by", "compensation_percent",
                   "compensation_ordered_on", "opened_by"]

    def add_case(self, rng, plan, opened_on, staff, enterprise, clue=None, inspection=None, region=None):
        from complaints.models import KEY_MONITORING_AMOUNT, KEY_MONITORING_WORKERS

        self.case_count += 1
        pk = self.case_base + self.case_count
        today = self.today
        if clue is not None:
            workers, owed = clue["workers_involved"], max(clue["amount_claimed"], CENT)
        else:
            workers = max(1, int(rng.paretovariate(1.2)))
            owed = money(workers * rng.randint(2000, 40000))
        occurred = min(opened_on, today) - datetime.timedelta(days=rng.randint(10, 90))
        gov = bool(plan and plan[self.P_GOV])
        zero_due = self.zero_clearance_due(occurred, gov)
        # Payments after opening, up to today; most cases are cleared in the end.
        paid_total, paid_workers, last_paid = Decimal("0.00"), 0, None
        share = rng.choice((0, 30, 60, 100, 100, 100, 100))
        if share and opened_on < today:
            target = money(owed * share / 100) or CENT
            parts = rng.randint(1, 3)
            day = opened_on
            for k in range(parts):
                amount = target - paid_total if k == parts - 1 else money(target / parts)
                if amount <= 0:
                    break
                day = min(today, day + datetime.timedelta(days=rng.randint(1, 30)))
                w = workers - paid_workers if k == parts - 1 and share == 100 else rng.randint(0, max(0, workers - paid_workers))
                self.payments.add((self.payment_base + self.payments.count + 1, self.now, self.now, pk, amount, w, day,
                                   rng.choice(("enterprise", "enterprise", "enterprise", "deposit", "builder_advance")),
                                   None, staff))
                paid_total += amount
                paid_workers += w
                last_paid = day
        cleared = paid_total >= owed
        county = plan[self.P_COUNTY] if plan else region
        opened_at = self.aware(opened_on, 10)
        self.case_events.add((self.case_event_base + self.case_events.count + 1, pk, "opened", opened_at, staff, "", {}))
        self.cases.add((
            pk, opened_at, opened_at, county, self.project_pk(plan) if plan else None, enterprise,
            plan[self.P_INDUSTRY] if plan else "", clue["id"] if clue else None, inspection, occurred, workers, owed,
            f"拖欠{workers}名农民工工资{owed}元。", self.enterprise_by_id[enterprise][1], person_name(rng), person_name(rng),
            "约谈企业负责人，督促限期支付。", occurred + datetime.timedelta(days=rng.randint(30, 120)),
            rng.choice(("none", "none", "none", "county", "city", "province")), person_name(rng) if rng.random() < 0.3 else "",
            gov, zero_due, paid_total, paid_workers,
            owed >= KEY_MONITORING_AMOUNT or workers >= KEY_MONITORING_WORKERS,
            "cleared" if cleared else "open", last_paid if cleared else None, None, None, None, None, staff,
        ))

    def zero_clearance_due(self, occurred, gov):
        from complaints.models import zero_clearance_due

        key = (occurred, gov)
        if key not in self._zero_memo:
            self._zero_memo[key] = zero_clearance_due(occurred, gov)
        return self._zero_memo[key]

    def gen_cases(self):
        from complaints.models import ArrearsCase, CaseEvent, CasePayment

        rng = self.rng("cases")
        while self.case_count < self.v.cases:
            if rng.random() < 0.85:
                plan = rng.choice(self.active_projects)
                enterprise, region = plan[self.P_GC], None
            else:
                plan = None
                enterprise_row = rng.choice(self.enterprises)
                enterprise, region = enterprise_row[0], enterprise_row[3]
            opened = self.months[0] + datetime.timedelta(days=rng.randint(0, (self.today - self.months[0]).days))
            self.add_case(rng, plan, opened, self.staff.get(plan[self.P_COUNTY] if plan else region), enterprise, region=region)
        self.loader.load(ArrearsCase, self.CASE_FIELDS, self.cases)
        self.loader.load(CasePayment, ["id", "created", "last_updated", "case", "amount", "workers", "paid_on", "source",
                                       "drawdown", "recorded_by"], self.payments)
        self.loader.load(CaseEvent, ["id", "case", "type", "created", "user", "comment", "parameters"], self.case_events)

    # --- inspections ------------------------------------------------------------------------------
    def gen_inspections(self):
        from inspections.models import Inspection, RectificationOrder

        rng = self.rng("inspections")
        base = self.base(Inspection)
        order_base = self.base(RectificationOrder)
        through = Inspection.inspectors.through
        through_base = self.base(through)
        orders = Spool()
        links = Spool()
        methods = _weighted(METHODS)
        first, today = self.months[0], self.today
        span = (today - first).days
        self.order_sequences = {}
        self.order_counties = {}
        cases_from_inspections = self.v.cases // 4
        now = self.now

        def rows():
            for i in range(self.v.inspections):
                day = first + datetime.timedelta(days=int(span * (i + rng.random()) / self.v.inspections))
                month = min(len(self.months) - 1, (day.year - first.year) * 12 + day.month - first.month)
                for _attempt in range(6):
                    plan = rng.choice(self.active_projects)
                    if plan[self.P_A] <= month <= plan[self.P_B]:
                        break
                pk = base + i + 1
                county = plan[self.P_COUNTY]
                checklist = {}
                for item in CHECKLIST:
                    fail = 0.04 + (0.25 if plan[self.P_ARREARS] and item in ("monthly_full_pay", "contractor_payroll") else 0)
                    if item == "wage_deposit" and plan[self.P_AMOUNT] < Decimal(3_000_000):
                        checklist[item] = "na"
                    else:
                        checklist[item] = "fail" if rng.random() < fail else "pass"
                failed = [item for item in CHECKLIST if checklist[item] == "fail"]
                inspectors = self.inspectors.get(county, [])
                for user in inspectors[:2]:
                    links.add((through_base + links.count + 1, pk, user))
                if failed:
                    issued = day
                    rectify_by = self.calendar.add(issued, self.deadlines.policy("rectification_days", county))
                    status, closed_on, escalated_on = "open", None, None
                    if rectify_by < today or rng.random() < 0.5:
                        r = rng.random()
                        if r < 0.8:
                            closed_on = min(today, issued + datetime.timedelta(days=rng.randint(3, 25)))
                            status = "closed"
                        elif r < 0.9 and rectify_by < today:
                            escalated_on = min(today, rectify_by + datetime.timedelta(days=rng.randint(1, 10)))
                            status = "escalated"
                    prefix = f"{self.county_names[county][:2]}人社监令"
                    seq = self.order_sequences[(prefix, issued.year)] = self.order_sequences.get((prefix, issued.year), 0) + 1
                    self.order_counties.setdefault((prefix, issued.year), set()).add(county)
                    orders.add((order_base + orders.count + 1, now, now, f"{prefix}〔{issued.year}〕第{seq}号", pk,
                                self.project_pk(plan), plan[self.P_GC], failed, issued, rectify_by, status, closed_on,
                                escalated_on, ""))
                    if "monthly_full_pay" in failed and self.case_count < self.v.cases * 3 // 5 + cases_from_inspections:
                        self.add_case(rng, plan, day, self.staff.get(county), plan[self.P_GC], inspection=pk)
                findings = f"检查发现问题：{'、'.join(failed)}。" if failed else ""
                yield (pk, now, now, self.project_pk(plan), None, None, None, day, _pick(rng, methods), checklist, {},
                       findings, rng.randint(0, 10), "",
                       inspectors[0] if inspectors else None)

        self.loader.load(Inspection, ["id", "created", "last_updated", "project", "campaign", "draw", "clue", "inspected_on",
                                      "method", "checklist", "checklist_notes", "findings", "workers_interviewed",
                                      "interview_notes", "recorded_by"], rows())
        self.loader.load(through, ["id", "inspection", "user"], links, label=through._meta.db_table)
        self.loader.load(RectificationOrder, ["id", "created", "last_updated", "number", "inspection", "project", "enterprise",
                                              "items", "issued_on", "rectify_by", "status", "closed_on", "escalated_on",
                                              "document"], orders)

    # --- after the load ---------------------------------------------------------------------------
    def finish(self):
        """Number sequences continue after the generated numbers; PostgreSQL: sequences and statistics."""
        from complaints.models import ClueSequence
        from inspections.models import DocumentSequence

        started = time.perf_counter()
        for (county, year), last in self.clue_sequences.items():
            ClueSequence.objects.using(self.using).update_or_create(region_code=county, year=year, defaults={"last": last})
        for (prefix, year), last in self.order_sequences.items():
            DocumentSequence.objects.using(self.using).update_or_create(
                prefix=prefix, kind="rectification_order", year=year,
                defaults={"last": last, "office_code": min(self.order_counties[(prefix, year)])})
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            from django.apps import apps

            with connection.cursor() as cursor:
                for model in domain_models() + [apps.get_model("inspections", "Inspection").inspectors.through]:
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {connection.ops.quote_name(table)}",
                        [table])
                # Not inside a transaction that may be rolled back (a test's): ANALYZE would count rows
                # that then vanish, and its figures outlive the rollback. A planner told that a table
                # of thousands of pages holds 0 rows chose nested loops that made a later test's
                # seeding of the demo take 14 minutes instead of 3.
                if not connection.in_atomic_block:
                    cursor.execute("ANALYZE")
        self.out(f"  {'sequences, ANALYZE':<38} {'':>11}      {time.perf_counter() - started:>8.2f} s")


def generate(*, scale="tiny", seed=2026, using="default", force=False, out=print, today=None):
    """Check the database, then load a whole data set. Returns the per-table figures."""
    from .models import User

    volumes = SCALES[scale] if isinstance(scale, str) else scale
    state = check_database(using, force=force)
    if state == "generated":
        out("replacing the data of an earlier generate_scale run")
        wipe_generated(using)
    if state in ("empty", "generated"):
        # The marker first: a run that fails half-way leaves a database a rerun may replace.
        User.objects.using(using).get_or_create(
            username=MARKER_USERNAME,
            defaults={"password": "!", "is_active": False, "full_name": f"generate_scale {scale} seed {seed}",
                      "role": "admin", "jurisdiction_id": "62"})
    connection = connections[using]
    replica = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Skip the per-row foreign-key triggers while loading when allowed (superuser); the rows are
            # consistent by construction and the test suite checks it.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            replica = bool(cursor.fetchone()[0])
            if replica:
                cursor.execute("SET session_replication_role = replica")
    try:
        return Generator(volumes, seed, using=using, out=out, today=today).run()
    finally:
        # Only a superuser may (re)set it: an ordinary role never changed it.
        if connection.vendor == "postgresql" and replica:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
