"""Demo data of arrears cases (欠薪案件台账) and emergency incidents (突发事件) in Tianshui's seven
counties, so that the two clear-to-zero tracker tells a story on `make run`.

About half of the cases are opened from the demo's wage-arrears clues (those with an employer's
USCC), the rest directly on demo projects against their real general contractor or subcontractors
(some from the projects' own payroll arrears, with the per-worker breakdown linked to the roster),
and a few without a project. Their dates reach back some fourteen months: the older ones are
cleared, the government-investment cases of this year run towards 31 December, the others towards
the Spring Festival, and a few pinned cases (dates chosen backwards from today) are always there:
two still open past their clear-to-zero date, the criminal referrals in each of their stages, and
the key-monitoring cases.

Like the clue seeder, every case is planned first (pure: the generator, today and what is read
once from the database), then written through complaints.services under a patched clock
(`django.utils.timezone.now`), so every event and change-log entry carries the time it "happened".
Nothing is dated after today. Idempotent: if the demo counties already have cases, nothing is
created."""
import datetime
import time
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from unittest import mock

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from projects.demo import weighted
from projects.models import PayrollLine, Project, ProjectSubcontractor, WageDeposit
from wagecase.core.demo import CITY, not_after, register_seeder
from wagecase.core.demo import person_name as core_person_name
from wagecase.core.models import Enterprise, Region, User
from wagecase.core.policy import get_policy
from wagecase.core.workdays import add_working_days, is_working_day

from . import services
from .choices import CaseStatus, ClueCategory, ClueStatus, IncidentKind, PaymentSource, ReferralStatus, SupervisionLevel
from .demo import Clock, yuan
from .models import KEY_MONITORING_WORKERS, ArrearsCase, Clue, CriminalReferral, Incident, zero_clearance_due

CASE_COUNT = 120
COUNTY_WEIGHTS = {"620502": 40, "620503": 20, "620521": 8, "620522": 8, "620523": 8, "620524": 8, "620525": 8}
DISTRICTS = {"620502", "620503"}  # 区: 副区长; the others are counties: 副县长
USERS = ["inspector", "inspector2", "inspector_maiji", "staff", "head", "inspector_city", "inspector_city2"]
REGULATOR = {"housing": "住房和城乡建设局", "transport": "交通运输局", "water": "水务局", "power": "发展和改革局",
             "energy": "发展和改革局", "other": "人力资源和社会保障局"}
POSTS = {"住房和城乡建设局": ["建管股股长", "副局长", "建筑市场监管股负责人"], "交通运输局": ["建设管理股股长", "副局长"],
         "水务局": ["建管股股长", "副局长"], "发展和改革局": ["副局长"],
         "人力资源和社会保障局": ["劳动保障监察大队队长", "副局长", "监察大队副队长"]}
POLICE = "天水市公安局{county}分局"
EXCUSES = ["建设单位工程款未拨付到位", "工程款结算争议", "企业资金链断裂", "项目停工、资金紧张", "劳务分包单位负责人失联"]
MEASURES = {
    "talk": "约谈{ent}主要负责人，下达《劳动保障监察限期改正指令书》，责令限期足额支付。",
    "builder": "协调建设单位按合同节点拨付工程款，专项用于支付农民工工资，由工资专户代发。",
    "deposit": "经核定动用工资保证金先行支付，督促总包单位在10个工作日内补足。",
    "fund": "启动欠薪应急周转金，先行垫付困难农民工工资，依法向企业追偿。",
    "account": "核对考勤和工资台账，逐人建立欠薪清单，实行一案一档、销号管理。",
    "police": "企业负责人拒不支付，依法固定证据，按行刑衔接程序移送公安机关。",
    "credit": "将企业列入拖欠农民工工资失信联合惩戒对象名单候选，启动信用惩戒。",
    "team": "成立由人社、住建、公安组成的专班，一个问题、一名领导、一套专班、一抓到底。",
}
INCIDENT_TEXT = {
    IncidentKind.COLLECTIVE_PETITION: ("{n}名农民工聚集到{place}，反映{ent}拖欠工资{amount}，要求政府出面协调。",
                                       "拖欠工资多次讨要未果"),
    IncidentKind.STRIKE: ("{site}{n}名工人停工，聚集在项目部门口，要求结清{period}工资后再复工。", "工资连续拖欠，班组长无力垫付"),
    IncidentKind.BLOCKING: ("{n}名农民工在{place}拉横幅、堵塞道路讨要工资，造成交通短时中断。", "企业负责人避而不见，工人情绪激动"),
    IncidentKind.VIOLENCE: ("{site}工人与劳务公司管理人员因工资结算发生肢体冲突，{hurt}。", "工资结算数额争议激化"),
    IncidentKind.SELF_HARM: ("一名农民工爬上{site}塔吊，以跳楼相威胁讨要{n}名工友的工资。", "讨薪无果后情绪失控"),
    IncidentKind.OTHER: ("{n}名农民工通过短视频平台发布讨薪视频，引发网络关注。", "工资拖欠长期未解决"),
}
INCIDENT_MEASURES = [
    "属地乡镇（街道）、人社、住建、公安部门第一时间赶赴现场，做好疏导劝返，防止事态扩大。",
    "启动应急预案，监察大队现场核实欠薪人数和金额，约谈企业负责人，当场明确支付时间。",
    "公安部门维护现场秩序，人社部门开辟绿色通道，引导工人依法维权。",
]
CLOSING_REPORTS = [
    "经现场协调，{ent}当日筹措资金支付部分工资，其余款项明确了分期支付计划，工人已全部劝返，事件处置完毕。",
    "建设单位当场拨付工程款，通过工资专户支付农民工工资，工人情绪稳定，已恢复正常秩序，案件转入台账跟踪办理。",
    "经做工作，工人同意通过法定途径解决，已撤离现场；对组织者进行了批评教育，事件已平息。",
]
REACTIONS = ["", "", "现场有群众围观拍摄，未形成网络舆情。", "短视频平台出现相关视频，网信部门已跟踪研判。", "未引起媒体关注。"]
REFERRAL_OUTCOMES = {
    ReferralStatus.FILED: "公安机关已立案侦查，企业实际控制人已被采取刑事强制措施。",
    ReferralStatus.PROSECUTED: "公安机关侦查终结，已移送人民检察院审查起诉。",
    ReferralStatus.CONVICTED: "人民法院以拒不支付劳动报酬罪判处企业负责人有期徒刑一年六个月，并处罚金。",
}


def _days(n):
    return datetime.timedelta(days=n)


def money(value):
    return Decimal(value).quantize(Decimal("1"), rounding=ROUND_DOWN)


@dataclass
class CasePlan:
    region: str
    occurred_on: datetime.date
    opened_on: datetime.date
    user: str
    workers_owed: int
    amount_owed: Decimal
    government_type: bool
    enterprise: object = None  # None only for a clue whose employer is found by its USCC
    project: object = None
    clue: object = None
    label: str = "natural"
    fields: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)  # (day, order, action, params)

    @property
    def zero_clearance_due(self):
        return zero_clearance_due(self.occurred_on, self.government_type)

    def at(self, day, action, **params):
        self.steps.append((day, len(self.steps), action, params))


@dataclass
class IncidentPlan:
    kind: str
    serious: bool
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    region: str
    user: str
    fields: dict
    case: CasePlan = None
    project: object = None
    closed_at: datetime.datetime = None
    closing: dict = field(default_factory=dict)


class Context:
    """What the planner reads once from the database."""

    def __init__(self, today, now, rng):
        self.today, self.now = today, now
        self.tz = timezone.get_current_timezone()
        self.users = User.objects.in_bulk(USERS, field_name="username")
        self.county_names = dict(Region.objects.filter(code__in=COUNTY_WEIGHTS).values_list("code", "name"))
        self.counties = [c for c in COUNTY_WEIGHTS if c in self.county_names]
        self.projects = {}
        for project in (Project.objects.filter(region_id__in=self.counties).exclude(status="planned")
                        .select_related("general_contractor", "builder").order_by("code")):
            self.projects.setdefault(project.region_id, []).append(project)
        self.subcontractors = {}
        for row in ProjectSubcontractor.objects.filter(project__region_id__in=self.counties).select_related("enterprise").order_by("pk"):
            self.subcontractors.setdefault(row.project_id, []).append(row.enterprise)
        everyone = list(Enterprise.objects.order_by("name"))
        self.no_project_employers = {c: [e for e in everyone if e.region_id.startswith(c)] or everyone for c in self.counties}
        self.deposits = set(WageDeposit.objects.filter(exempt=False, amount__gt=0, deposited_on__isnull=False)
                            .values_list("project_id", flat=True))
        # Each project's own payroll arrears (projects.selectors.project_arrears, per worker): a case's breakdown.
        self.arrears = {}
        owed = PayrollLine.objects.filter(project__region_id__in=self.counties, amount_paid__lt=F("amount_due"))
        first = {}
        for project_id, period in owed.values_list("project_id", "payroll__period").distinct():
            first[project_id] = min(period, first.get(project_id, period))
        for row in (owed.values("project_id", "employment__worker_id", "employment__worker__name", "employment__worker__id_number")
                    .annotate(owed=Sum(F("amount_due") - F("amount_paid"))).order_by("project_id", "employment__worker_id")):
            self.arrears.setdefault(row["project_id"], {"period": first[row["project_id"]], "workers": []})["workers"].append(row)
        self.thresholds = {c: (Decimal(get_policy("criminal_threshold_total", c)),
                               Decimal(get_policy("criminal_threshold_per_worker", c))) for c in self.counties}
        # Each county's two deputy heads (副区长/副县长) who take the arrears cases (五个有: the responsible leader).
        self.leaders = {c: [core_person_name(rng) for _ in range(2)] for c in self.counties}
        self.city_leader = core_person_name(rng)
        self.province_leader = core_person_name(rng)

    def office_time(self, rng, day, after=None):
        t = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=self.tz) + datetime.timedelta(minutes=rng.randint(0, 540))
        if after is not None and t <= after:
            t = after + datetime.timedelta(minutes=rng.randint(5, 90))
        return not_after(t, self.now - datetime.timedelta(minutes=1), day)

    def handler(self, county, rng):
        if county == "620502":
            return weighted(rng, {"inspector": 40, "inspector2": 35, "staff": 25})
        if county == "620503":
            return "inspector_maiji"
        return weighted(rng, {"inspector_city": 40, "inspector_city2": 40, "head": 20})

    def threshold_met(self, county, workers, amount):
        total, per_worker = self.thresholds[county]
        return (workers >= 10 and amount >= total) or amount / workers >= per_worker


def office_day(day):
    while not is_working_day(day):
        day += _days(1)
    return day


def between(rng, first, last):
    if last <= first:
        return first
    return first + _days(rng.randint(0, (last - first).days))


def split(rng, total, parts):
    """`total` yuan in `parts` instalments (round hundreds), the last taking the rest."""
    if parts <= 1 or total < 500 * parts:
        return [total]
    shares = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    amounts = [max(Decimal(100), money(total * Decimal(str(s / sum(shares))) / 100) * 100) for s in shares[:-1]]
    rest = total - sum(amounts)
    return amounts + [rest] if rest > 0 else [total]


# --- What a case says --------------------------------------------------------------------------------

def five_haves(rng, ctx, plan):
    county = plan.region
    short = ctx.county_names[county].replace("回族自治县", "县")
    industry = plan.project.industry if plan.project else "other"
    regulator = REGULATOR.get(industry, REGULATOR["other"])
    if plan.project is None and rng.random() < 0.3:
        unit = f"{short}人民政府{rng.choice(['城关镇', '中心街道办事处', '东关街道办事处', '工业园区管委会'])}"
        post = "分管副职"
    else:
        unit = f"{ctx.county_names[county]}{regulator}"
        post = rng.choice(POSTS[regulator])
    title = "副区长" if county in DISTRICTS else "副县长"
    ent = plan.enterprise.name if plan.enterprise else plan.clue.employer_name
    keys = ["account", "talk"]
    if plan.project is not None:
        keys.append("builder")
        if plan.project.pk in ctx.deposits and rng.random() < 0.5:
            keys.append("deposit")
    if rng.random() < 0.3:
        keys.append("fund")
    if plan.label in ("referral", "overdue"):
        keys += ["police", "credit"]
    if plan.label in ("key", "province") or plan.workers_owed >= KEY_MONITORING_WORKERS:
        keys.append("team")
    measures = "".join(f"{i}.{MEASURES[k].format(ent=ent)}" for i, k in enumerate(keys[:5], start=1))
    open_deadline = plan.opened_on + _days(rng.choice([15, 20, 30, 30, 45, 60]))
    due = plan.zero_clearance_due
    deadline = min(open_deadline, due) if due >= plan.opened_on else open_deadline
    return {
        "responsible_unit": unit,
        "responsible_leader": f"{rng.choice(ctx.leaders[county])}（{title}）",
        "responsible_person": f"{core_person_name(rng)}（{post}）",
        "measures": measures,
        "deadline": max(deadline, plan.occurred_on),
    }


def supervise(rng, ctx, plan):
    """Supervision level and leader in charge (领导包案): most cases none, some county or city."""
    title = "副区长" if plan.region in DISTRICTS else "副县长"
    if plan.label == "province":
        level = SupervisionLevel.PROVINCE
    elif plan.label in ("key", "overdue"):
        level = rng.choice([SupervisionLevel.CITY, SupervisionLevel.CITY, SupervisionLevel.COUNTY])
    elif plan.label == "referral":
        level = rng.choice([SupervisionLevel.COUNTY, SupervisionLevel.CITY, SupervisionLevel.NONE])
    else:
        level = weighted(rng, {SupervisionLevel.NONE: 85, SupervisionLevel.COUNTY: 10, SupervisionLevel.CITY: 5})
        if level == SupervisionLevel.NONE and plan.workers_owed >= KEY_MONITORING_WORKERS and rng.random() < 0.5:
            level = SupervisionLevel.COUNTY
    leader = {
        SupervisionLevel.PROVINCE: f"{ctx.province_leader}（市委常委、常务副市长）",
        SupervisionLevel.CITY: f"{ctx.city_leader}（副市长）",
        SupervisionLevel.COUNTY: f"{rng.choice(ctx.leaders[plan.region])}（{title}）",
    }.get(level, "")
    if level == SupervisionLevel.NONE and plan.workers_owed >= 20 and rng.random() < 0.5:
        leader = f"{rng.choice(ctx.leaders[plan.region])}（{title}）"
    return {"supervision_level": level, "leader_in_charge": leader}


def describe(rng, plan):
    ent = plan.enterprise.name
    site = f"承建的{plan.project.name}" if plan.project else "在本地承揽的业务"
    return (f"{ent}{site}拖欠{plan.workers_owed}名农民工{plan.occurred_on.year}年{plan.occurred_on.month}月前后工资"
            f"{yuan(plan.amount_owed)}，企业称{rng.choice(EXCUSES)}。")


def pick_project(rng, ctx, county, occurred_on, government=None, big=False):
    candidates = [p for p in ctx.projects.get(county, [])
                  if p.start_date <= occurred_on - _days(30) and (p.completed_on is None or p.completed_on >= occurred_on - _days(90))]
    if government is not None:
        preferred = [p for p in candidates if p.is_government_type == government]
        candidates = preferred or candidates
    if big:
        candidates = sorted(candidates, key=lambda p: -p.contract_amount)[:5]
    return rng.choice(candidates) if candidates else None


def pick_enterprise(rng, ctx, project):
    subs = ctx.subcontractors.get(project.pk, [])
    return rng.choice(subs) if subs and rng.random() < 0.35 else project.general_contractor


def natural_figures(rng):
    workers = weighted(rng, {rng.randint(1, 5): 30, rng.randint(6, 15): 40, rng.randint(16, 29): 27, rng.randint(30, 60): 3})
    per_worker = Decimal(rng.randint(2500, 16000))
    return workers, max(Decimal(3000), money(per_worker * workers / 10) * 10)


# --- The timeline of a case -------------------------------------------------------------------------

def plan_course(rng, ctx, plan, outcome, order=None, ignored=False, compensation=False, referral=None, finish_by=None):
    """Payments, order, compensation and referral of one case. outcome: "cleared", "partial" or "unpaid";
    order: None or (issued_on, pay_by); referral: None or (referred_on, [(status, day), ...])."""
    today = ctx.today
    owed = plan.amount_owed
    start = plan.opened_on
    if order:
        issued, pay_by = order
        plan.at(issued, "order", issued_on=issued, pay_by=pay_by)
    if outcome == "unpaid":
        amounts = []
    elif outcome == "cleared":
        amounts = split(rng, owed, rng.choice([1, 1, 2, 2, 3, 4]))
    else:
        share = Decimal(str(round(rng.uniform(0.15, 0.8), 2)))
        amounts = split(rng, max(Decimal(100), money(owed * share / 100) * 100), rng.choice([1, 2, 2, 3]))
    last = min(today, finish_by or today)
    days = sorted(between(rng, start, last) for _ in amounts)
    if order and ignored:
        # Too little paid by the pay-by day: at most the first instalment (if it is not all), the rest later.
        issued, pay_by = order
        after = min(pay_by + _days(1), today)
        keep_first = len(amounts) > 1 and rng.random() < 0.6
        days = [min(d, pay_by) if i == 0 and keep_first else max(d, after) for i, d in enumerate(days)]
        days = sorted(days)
        if referral:
            referred_on = referral[0]
            days = [d if d <= pay_by else max(d, referred_on) for d in days]
    elif order:
        issued, pay_by = order
        if outcome == "cleared":  # complied with: the last instalment between the order and the pay-by day
            days = [min(d, pay_by) for d in days]
            days[-1] = between(rng, issued, min(pay_by, last))
            days.sort()
    workers_left = plan.workers_owed
    for i, (day, amount) in enumerate(zip(days, amounts)):
        if outcome == "cleared" and i == len(amounts) - 1:
            workers = workers_left
        else:
            workers = min(workers_left, int(plan.workers_owed * amount / owed))
        workers_left -= workers
        source = source_for(rng, ctx, plan, outcome, ignored)
        plan.at(day, "pay", amount=amount, paid_on=day, source=source, workers=workers)
    if order and ignored and compensation:
        day = min(today, order[1] + _days(rng.randint(2, 10)))
        if day > order[1]:
            plan.at(day, "compensation", percent=rng.choice([50, 50, 60, 80, 100]), ordered_on=day, before_payments=True)
    if referral:
        referred_on, updates = referral
        plan.at(referred_on, "refer", referred_on=referred_on, police_unit=POLICE.format(county=ctx.county_names[plan.region]),
                before_payments=True)
        for status, day in updates:
            plan.at(day, "referral", status=status, outcome=REFERRAL_OUTCOMES[status], before_payments=True)


def source_for(rng, ctx, plan, outcome, ignored):
    if plan.project is not None and plan.project.pk in ctx.deposits and (ignored or rng.random() < 0.12):
        return PaymentSource.DEPOSIT  # falls back to the emergency fund when the balance is short
    if (ignored or plan.project is None) and rng.random() < 0.35:
        return PaymentSource.EMERGENCY_FUND
    if plan.project is not None and rng.random() < 0.2:
        return PaymentSource.BUILDER_ADVANCE
    return PaymentSource.ENTERPRISE


def maybe_order(rng, ctx, plan, share=0.3):
    """An order to pay on some cases old enough: issued a few working days after opening."""
    if (ctx.today - plan.opened_on).days < 25 or rng.random() >= share:
        return None
    issued = add_working_days(plan.opened_on, rng.randint(2, 10))
    pay_by = add_working_days(issued, rng.choice([5, 7, 10, 10, 15]))
    return (issued, pay_by) if pay_by < ctx.today else None


def clear_probability(ctx, plan):
    age = (ctx.today - plan.occurred_on).days
    return min(0.55, age / 800)


# --- The whole plan -----------------------------------------------------------------------------------

def eligible_clues(ctx):
    """Wage-arrears clues handled or in hand, with the employer's USCC, that opened no case yet."""
    return list(
        Clue.objects.filter(region_id__in=ctx.counties, category=ClueCategory.WAGE_ARREARS, merged_into__isnull=True,
                            status__in=[ClueStatus.CLOSED, ClueStatus.RESOLVED, ClueStatus.IN_PROGRESS],
                            arrears_case__isnull=True)
        .filter(Q(employer__isnull=False) | ~Q(employer_uscc=""))
        .select_related("project", "employer").order_by("received_at", "pk"))


def clue_plan(rng, ctx, clue):
    received_on = timezone.localtime(clue.received_at, ctx.tz).date()
    accepted_on = timezone.localtime(clue.accepted_at or clue.received_at, ctx.tz).date()
    done = clue.status in (ClueStatus.CLOSED, ClueStatus.RESOLVED)
    if done and not (clue.amount_recovered and clue.workers_paid):
        return None  # nothing was paid: not the demo's story of a clue turned case
    resolved_on = timezone.localtime(clue.resolved_at, ctx.tz).date() if clue.resolved_at else None
    opened_on = min(accepted_on + _days(rng.randint(0, 3)), resolved_on or ctx.today, ctx.today)
    project = clue.project
    government = bool(project and project.is_government_type)
    workers = clue.workers_paid if done else clue.workers_involved
    amount = clue.amount_recovered if done else clue.amount_claimed
    plan = CasePlan(region=clue.region_id, occurred_on=received_on, opened_on=opened_on, user=ctx.handler(clue.region_id, rng),
                    workers_owed=workers, amount_owed=amount, government_type=government, project=project, clue=clue,
                    enterprise=clue.employer, label="clue")
    if not done and plan.zero_clearance_due < ctx.today:
        return None  # would stay open past its clear-to-zero date: only the pinned cases do
    if done:
        order = None
        if (resolved_on - opened_on).days >= 10 and rng.random() < 0.3:
            issued = min(add_working_days(opened_on, rng.randint(1, 3)), resolved_on)
            order = (issued, max(resolved_on, add_working_days(issued, 7)))
        plan_course(rng, ctx, plan, "cleared", order=order, finish_by=resolved_on)
    else:
        outcome = "cleared" if rng.random() < 0.35 else ("partial" if rng.random() < 0.75 else "unpaid")
        plan_course(rng, ctx, plan, outcome, order=maybe_order(rng, ctx, plan, 0.25))
    return plan


def direct_plan(rng, ctx, county, occurred_on, label="natural", government=None, with_project=True, figures=None, big=False):
    project = pick_project(rng, ctx, county, occurred_on, government, big) if with_project else None
    if with_project and project is None:
        return None
    enterprise = pick_enterprise(rng, ctx, project) if project else rng.choice(ctx.no_project_employers[county])
    workers, amount = figures or natural_figures(rng)
    opened_on = min(ctx.today, occurred_on + _days(rng.randint(3, 25)))
    government_type = project.is_government_type if project else False
    return CasePlan(region=county, occurred_on=occurred_on, opened_on=opened_on, user=ctx.handler(county, rng),
                    workers_owed=workers, amount_owed=amount, government_type=government_type, project=project,
                    enterprise=enterprise, label=label)


def arrears_plan(rng, ctx, project):
    """A case on the project's own payroll arrears, worker by worker from the roster."""
    arrears = ctx.arrears[project.pk]
    rows = [r for r in arrears["workers"] if r["owed"] > 0][:60]
    if not rows or arrears["period"] is None:
        return None
    period = arrears["period"]
    occurred_on = min(ctx.today - _days(3), (period + _days(45)).replace(day=15))
    if occurred_on < period:
        return None
    total = sum((r["owed"] for r in rows), Decimal("0")).quantize(Decimal("0.01"))
    plan = CasePlan(region=project.region_id, occurred_on=occurred_on, opened_on=min(ctx.today, occurred_on + _days(rng.randint(2, 12))),
                    user=ctx.handler(project.region_id, rng), workers_owed=len(rows), amount_owed=total,
                    government_type=project.is_government_type, project=project, enterprise=project.general_contractor,
                    label="payroll")
    plan.fields["workers"] = [{"worker_id": r["employment__worker_id"], "name": r["employment__worker__name"],
                               "id_number": r["employment__worker__id_number"], "amount_owed": r["owed"].quantize(Decimal("0.01"))}
                              for r in rows]
    plan.fields["description"] = (f"经核查{project.name}工资支付台账，{project.general_contractor.name}自{period.year}年{period.month}月起"
                                  f"拖欠{len(rows)}名农民工工资{yuan(total)}，已逐人建立欠薪清单。")
    return plan


def make_plan(rng, ctx, count=CASE_COUNT):
    """All cases and incidents. Pure apart from reading `ctx`."""
    today = ctx.today
    counties = ctx.counties
    county_of = lambda: weighted(rng, {c: w for c, w in COUNTY_WEIGHTS.items() if c in counties})  # noqa: E731
    plans = []

    # Pinned 1: a government-investment case of last autumn, still open past 31 December (city-supervised).
    last_year = today.year - 1
    plan = direct_plan(rng, ctx, "620502", datetime.date(last_year, rng.randint(9, 11), rng.randint(1, 28)), label="overdue",
                       government=True, figures=(rng.randint(18, 28), Decimal(rng.randint(40, 90)) * 10000))
    if plan is not None and plan.government_type and plan.occurred_on <= today - _days(60):
        plan_course(rng, ctx, plan, "partial")
        plans.append(plan)

    # The criminal referrals, each in its stage: the oldest (convicted, still open past the Spring Festival) first.
    referral_count = max(4, round(count * 0.045))
    stages = [ReferralStatus.CONVICTED, ReferralStatus.PROSECUTED, ReferralStatus.FILED, ReferralStatus.REFERRED]
    stages += [ReferralStatus.FILED, ReferralStatus.REFERRED][: referral_count - 4]
    ages = {ReferralStatus.CONVICTED: (330, 300), ReferralStatus.PROSECUTED: (250, 200), ReferralStatus.FILED: (170, 100),
            ReferralStatus.REFERRED: (75, 50)}
    for i, stage in enumerate(stages):
        hi, lo = ages[stage]
        occurred_on = today - _days(rng.randint(lo, hi))
        county = "620502" if i == 0 else county_of()
        workers = rng.randint(12, 40)
        amount = money(Decimal(rng.randint(6000, 15000)) * workers / 100) * 100
        plan = direct_plan(rng, ctx, county, occurred_on, label="referral" if i else "overdue", government=False,
                           with_project=i % 3 != 2, figures=(workers, amount))
        if plan is None:
            plan = direct_plan(rng, ctx, county, occurred_on, label="referral", with_project=False, figures=(workers, amount))
        if stage == ReferralStatus.CONVICTED and plan.government_type:
            # arrears of a private employer: due before the last Spring Festival, long past
            plan = direct_plan(rng, ctx, county, occurred_on, label="overdue", with_project=False, figures=(workers, amount))
        issued = add_working_days(plan.opened_on, rng.randint(2, 6))
        pay_by = add_working_days(issued, 10)
        referred_on = office_day(pay_by + _days(rng.randint(5, 15)))
        updates, day = [], referred_on
        chain = [ReferralStatus.FILED, ReferralStatus.PROSECUTED, ReferralStatus.CONVICTED]
        steps = {ReferralStatus.REFERRED: 0, ReferralStatus.FILED: 1, ReferralStatus.PROSECUTED: 2, ReferralStatus.CONVICTED: 3}[stage]
        for status, gap in list(zip(chain, [(7, 20), (60, 100), (60, 90)]))[:steps]:
            day = office_day(day + _days(rng.randint(*gap)))
            updates.append((status, min(day, today)))
        outcome = "cleared" if stage == ReferralStatus.FILED and i == 2 else "partial"
        plan_course(rng, ctx, plan, outcome, order=(issued, pay_by), ignored=True, compensation=rng.random() < 0.6,
                    referral=(min(referred_on, today), updates))
        plans.append(plan)

    # Key monitoring: arrears of ¥1,000,000 and more, or 30 workers and more, on the largest projects.
    key_count = max(2, round(count * 0.05))
    for i in range(key_count):
        county = "620502" if i < 2 else county_of()
        occurred_on = today - _days(rng.randint(20, 200))
        if i % 2 == 0:
            figures = (rng.randint(45, 160), money(Decimal(rng.randint(100, 320)) * 10000))
        else:
            workers = rng.randint(30, 80)
            figures = (workers, money(Decimal(rng.randint(9000, 16000)) * workers / 100) * 100)
        plan = direct_plan(rng, ctx, county, occurred_on, label="province" if i < 2 and count >= 60 or i == 0 else "key",
                           government=i % 3 != 2, figures=figures, big=True)
        if plan is None:
            continue
        plan_course(rng, ctx, plan, "cleared" if i % 3 == 1 else "partial", order=maybe_order(rng, ctx, plan, 0.6))
        plans.append(plan)

    # From the clues: about half of the cases.
    clues = eligible_clues(ctx)
    rng.shuffle(clues)
    wanted = round(count * 0.5)
    # A third from the clues still in hand (mostly open), the rest from handled ones (cleared when the clue was resolved).
    in_hand = [c for c in clues if c.status == ClueStatus.IN_PROGRESS][: round(wanted * 0.35)]
    clues = in_hand + [c for c in clues if c.status != ClueStatus.IN_PROGRESS]
    for clue in clues:
        if sum(1 for p in plans if p.clue) >= wanted:
            break
        plan = clue_plan(rng, ctx, clue)
        if plan is not None:
            plans.append(plan)

    # On the projects' own payroll arrears.
    with_arrears = [p for ps in ctx.projects.values() for p in ps if p.pk in ctx.arrears]
    rng.shuffle(with_arrears)
    for project in with_arrears[: max(1, round(count * 0.1))]:
        plan = arrears_plan(rng, ctx, project)
        if plan is None:
            continue
        if plan.zero_clearance_due < today:
            plan_course(rng, ctx, plan, "cleared", finish_by=max(plan.opened_on, plan.zero_clearance_due))
        else:
            outcome = "partial" if rng.random() < 0.6 else "cleared"
            plan_course(rng, ctx, plan, outcome, order=maybe_order(rng, ctx, plan, 0.4))
        plans.append(plan)

    # The rest: directly, on projects (a few without one), dates over the last fourteen months.
    no_project = max(2, round(count * 0.05))
    first = today - _days(425)
    while len(plans) < count:
        occurred_on = between(rng, first, today - _days(3))
        county = county_of()
        plan = direct_plan(rng, ctx, county, occurred_on, government=rng.random() < 0.25, with_project=no_project <= 0)
        if plan is None:
            plan = direct_plan(rng, ctx, county, occurred_on, with_project=False)
        no_project -= 1
        cleared = plan.zero_clearance_due < today or rng.random() < clear_probability(ctx, plan)
        order = maybe_order(rng, ctx, plan, 0.35)
        ignored = bool(order) and rng.random() < 0.4
        if cleared:
            finish = min(plan.zero_clearance_due - _days(rng.randint(0, 20)), today)
            finish = max(finish, plan.opened_on)
            if order and order[1] > finish:
                order = None  # cleared before any order was needed
            if order and ignored:
                finish = max(finish, order[1] + _days(5))
                if finish > min(plan.zero_clearance_due, today):
                    ignored = False
                    finish = min(plan.zero_clearance_due, today)
            plan_course(rng, ctx, plan, "cleared", order=order, ignored=ignored, compensation=ignored and rng.random() < 0.5,
                        finish_by=finish)
        else:
            outcome = "unpaid" if (today - plan.opened_on).days < 30 and rng.random() < 0.5 else "partial"
            plan_course(rng, ctx, plan, outcome, order=order, ignored=ignored, compensation=ignored and rng.random() < 0.5)
        plans.append(plan)

    for plan in plans:
        plan.fields.update(five_haves(rng, ctx, plan))
        plan.fields.update(supervise(rng, ctx, plan))
        if plan.clue is None:
            plan.fields.setdefault("description", describe(rng, plan))
    incidents = plan_incidents(rng, ctx, plans, max(6, round(count / 6)))
    return plans, incidents


def plan_incidents(rng, ctx, plans, count):
    today = ctx.today
    kinds = list(IncidentKind.values)
    linked = [p for p in plans if p.project is not None and (today - p.opened_on).days > 5]
    linked.sort(key=lambda p: (-p.workers_owed, p.occurred_on))
    linked = linked[: max(count, 10) * 2]
    rng.shuffle(linked)
    incidents = []
    for i in range(count):
        kind = kinds[i % len(kinds)] if i < len(kinds) else weighted(rng, {
            IncidentKind.COLLECTIVE_PETITION: 35, IncidentKind.STRIKE: 20, IncidentKind.BLOCKING: 15, IncidentKind.VIOLENCE: 8,
            IncidentKind.SELF_HARM: 10, IncidentKind.OTHER: 12})
        serious = kind in (IncidentKind.VIOLENCE, IncidentKind.SELF_HARM) or rng.random() < 0.15
        case = linked[i] if i < len(linked) and rng.random() < 0.8 else None
        if case is not None:
            region, project = case.region, case.project
            paid_days = [s[0] for s in case.steps if s[2] == "pay"]
            last = min(paid_days[-1], today) if paid_days and case.label != "referral" else today
            day = between(rng, case.opened_on + _days(1), max(case.opened_on + _days(1), last))
            n = max(3, min(case.workers_owed, 120) if rng.random() < 0.6 else rng.randint(3, max(3, case.workers_owed)))
            ent, amount = case.enterprise.name if case.enterprise else case.clue.employer_name, yuan(case.amount_owed)
        else:
            region = weighted(rng, {c: w for c, w in COUNTY_WEIGHTS.items() if c in ctx.counties})
            projects = ctx.projects.get(region, [])
            project = rng.choice(projects) if projects and rng.random() < 0.6 else None
            day = today - _days(rng.randint(1, 330))
            n = rng.randint(5, 60)
            ent = project.general_contractor.name if project else "一家劳务公司"
            amount = yuan(Decimal(rng.randint(3, 60)) * 10000)
        day = min(day, today)
        occurred_at = datetime.datetime.combine(day, datetime.time(rng.randint(7, 17), rng.randint(0, 59)), tzinfo=ctx.tz)
        if occurred_at > ctx.now - datetime.timedelta(hours=3):
            occurred_at = ctx.now - datetime.timedelta(hours=rng.randint(3, 6))
        limit = 5 if serious else 10
        late = i % 4 == 1 or rng.random() < 0.15
        minutes = rng.randint(limit + 2, limit + 45) if late else rng.randint(2, limit)
        reported_at = occurred_at + datetime.timedelta(minutes=minutes, seconds=rng.randint(0, 50) if not late else 0)
        if not late and reported_at - occurred_at > datetime.timedelta(minutes=limit):
            reported_at = occurred_at + datetime.timedelta(minutes=limit)
        county = ctx.county_names[region]
        site = project.name if project else f"{county}某在建工地"
        place = rng.choice([f"{county}人民政府门前", f"{county}人力资源和社会保障局信访接待大厅", site, f"{county}城区主干道路口"])
        if kind in (IncidentKind.STRIKE, IncidentKind.VIOLENCE, IncidentKind.SELF_HARM):
            place = site
        text, cause = INCIDENT_TEXT[kind]
        hurt = rng.choice(["一人轻微擦伤", "两人受轻伤送医", "无人员受伤"])
        description = text.format(n=n, place=place, ent=ent, amount=amount, site=site, period=f"{day.month}月", hurt=hurt)
        plan = IncidentPlan(
            kind=kind, serious=serious, occurred_at=occurred_at, reported_at=reported_at, region=region,
            user=ctx.handler(region, rng), case=case, project=project,
            fields={"people_involved": n, "place": place, "description": description, "cause": f"{ent}{cause}。",
                    "damage": hurt if kind == IncidentKind.VIOLENCE else "", "measures": rng.choice(INCIDENT_MEASURES),
                    "public_reaction": rng.choice(REACTIONS)},
        )
        closed_at = occurred_at + datetime.timedelta(hours=rng.randint(3, 20))
        if closed_at < ctx.now - datetime.timedelta(hours=1) and (ctx.now - occurred_at).days > 2 and rng.random() < 0.8:
            plan.closed_at = closed_at
            plan.closing = {"closing_report": rng.choice(CLOSING_REPORTS).format(ent=ent), "closed_at": closed_at}
        incidents.append(plan)
    incidents.sort(key=lambda p: p.occurred_at)
    return incidents


# --- Writing through the services ---------------------------------------------------------------------

def _deposit_ok(project, amount, day, today):
    from projects.compliance import deposit_balance

    deposit = WageDeposit.objects.filter(project=project, exempt=False).first()
    if deposit is None or deposit.deposited_on is None or deposit.deposited_on > day:
        return False
    return amount <= min(deposit_balance(deposit, day), deposit_balance(deposit, today))


def write_case(plan, ctx, clock, rng, touched):
    from projects.services import deposit_topped_up

    user = ctx.users[plan.user]
    clock.value = ctx.office_time(rng, plan.opened_on, after=plan.clue.accepted_at if plan.clue is not None else None)
    last = clock.value
    fields = dict(plan.fields)
    workers = fields.pop("workers", ())
    if workers:
        from projects.models import Worker

        people = Worker.objects.in_bulk([w["worker_id"] for w in workers])
        workers = [{"worker": people[w["worker_id"]], "name": w["name"], "id_number": w["id_number"], "amount_owed": w["amount_owed"]}
                   for w in workers]
    common = {"workers_owed": plan.workers_owed, "amount_owed": plan.amount_owed, "occurred_on": plan.occurred_on, **fields}
    if plan.clue is not None:
        if plan.enterprise is not None:
            common["enterprise"] = plan.enterprise
        case = services.case_open_from_clue(clue=plan.clue, user=user, **common)
    else:
        case = services.case_open(user=user, enterprise=plan.enterprise, project=plan.project, region=ctx.regions[plan.region],
                                  government_type=plan.government_type, workers=workers, **common)
    # Same day: the order, the compensation and the referral come before that day's payment; else by date.
    steps = sorted(plan.steps, key=lambda s: (s[0], 0 if s[3].get("before_payments") or s[2] == "order" else 1, s[1]))
    for day, _seq, action, params in steps:
        if day > ctx.today:
            continue
        clock.value = last = ctx.office_time(rng, day, after=last)
        params = {k: v for k, v in params.items() if k != "before_payments"}
        if action == "order":
            case = services.case_order(case=case, user=user, **params)
        elif action == "pay":
            case.refresh_from_db()
            if case.status == CaseStatus.CLEARED:
                continue
            params["amount"] = min(params["amount"], case.amount_outstanding)
            if params["source"] == PaymentSource.DEPOSIT and not _deposit_ok(plan.project, params["amount"], day, ctx.today):
                params["source"] = PaymentSource.EMERGENCY_FUND
            params["workers"] = min(params["workers"], case.workers_owed - case.workers_paid)
            payment = services.case_payment_add(case=case, user=user, **params)
            if payment.drawdown_id:
                touched.add(plan.project.pk)
                topped = add_working_days(day, rng.randint(4, 9))
                if topped < ctx.today - _days(2) and rng.random() < 0.8:
                    clock.value = last = ctx.office_time(rng, topped, after=last)
                    deposit_topped_up(drawdown=payment.drawdown, topped_up_on=topped, refresh=False)
        elif action == "compensation":
            services.case_compensation(case=case, user=user, **params)
        elif action == "refer":
            referral = services.case_refer(case=case, user=user, **params)
        elif action == "referral":
            referral = services.case_referral_update(referral=referral, user=user, **params)
    return case


def write_incident(plan, ctx, clock, cases):
    user = ctx.users[plan.user]
    clock.value = plan.reported_at + datetime.timedelta(minutes=1)
    case = cases.get(id(plan.case)) if plan.case is not None else None
    incident = services.incident_report(
        user=user, kind=plan.kind, serious=plan.serious, occurred_at=plan.occurred_at, reported_at=plan.reported_at,
        region=ctx.regions[plan.region], project=plan.project, case=case, **plan.fields)
    if plan.closing:
        clock.value = plan.closed_at
        services.incident_update(incident=incident, user=user, **plan.closing)
    return incident


def write_plans(plans, incidents, ctx, rng):
    from projects.services import project_refresh

    real_now = timezone.now
    clock = Clock(real_now)
    ctx.regions = Region.objects.in_bulk(list(ctx.counties))
    cases, touched = {}, set()
    with mock.patch("django.utils.timezone.now", clock):
        for plan in plans:
            cases[id(plan)] = write_case(plan, ctx, clock, rng, touched)
        for plan in incidents:
            write_incident(plan, ctx, clock, cases)
    for project in Project.objects.filter(pk__in=touched):
        project_refresh(project=project)  # the deposits drawn down, as of today
    return cases


def seed_cases(rng, out, count=CASE_COUNT):
    began = time.monotonic()
    today, now = timezone.localdate(), timezone.now()
    demo = ArrearsCase.objects.filter(region__code__startswith=CITY)
    new = new_incidents = 0
    if not demo.exists():
        ctx = Context(today, now, rng)
        missing = [u for u in USERS if u not in ctx.users]
        if missing or not ctx.counties or not ctx.projects:
            out(f"cases: the core or project demo data is missing ({', '.join(missing) or 'projects'}); skipped")
            return
        plans, incidents = make_plan(rng, ctx, count)
        planned = time.monotonic() - began
        new = len(write_plans(plans, incidents, ctx, rng))
        new_incidents = len(incidents)
        written = time.monotonic() - began - planned
    else:
        planned = written = 0.0
    statuses = dict(demo.values_list("status").annotate(n=Count("pk")))
    levels = dict(demo.values_list("supervision_level").annotate(n=Count("pk")))
    referrals = CriminalReferral.objects.filter(case__in=demo)
    refs = dict(referrals.values_list("status").annotate(n=Count("pk")))
    overdue = demo.filter(status=CaseStatus.OPEN, zero_clearance_due__lt=today)
    out(f"cases: {demo.count()} ({new} new); " + ", ".join(f"{s} {statuses.get(s, 0)}" for s in CaseStatus.values)
        + f"; from clues {demo.filter(source_clue__isnull=False).count()}, without a project {demo.filter(project__isnull=True).count()}, "
        f"government-type {demo.filter(government_type=True).count()}")
    out(f"cases: key monitoring {demo.filter(key_monitoring=True).count()}; supervision "
        + ", ".join(f"{s} {levels.get(s, 0)}" for s in SupervisionLevel.values)
        + f"; orders {demo.filter(order_issued_on__isnull=False).count()}, compensation {demo.filter(compensation_percent__isnull=False).count()}, "
        f"referrals {referrals.count()} (" + ", ".join(f"{s} {n}" for s, n in sorted(refs.items())) + ")")
    out(f"cases today: open past clear-to-zero {overdue.count()}, open due by {today.year}-12-31 "
        f"{demo.filter(status=CaseStatus.OPEN, zero_clearance_due=datetime.date(today.year, 12, 31)).count()}, "
        f"open due before the Spring Festival {demo.filter(status=CaseStatus.OPEN, government_type=False, zero_clearance_due__gte=today).count()}")
    incidents = Incident.objects.filter(region__code__startswith=CITY)
    late = sum(1 for i in incidents if i.report_late)
    out(f"incidents: {incidents.count()} ({new_incidents} new); serious {incidents.filter(serious=True).count()}, reported late {late}, "
        f"closed {incidents.filter(closed_at__isnull=False).count()}, linked to a case {incidents.filter(case__isnull=False).count()}")
    out("cases seeded in %.1f s (plan %.1f s, write %.1f s)" % (time.monotonic() - began, planned, written))


register_seeder(25, seed_cases)
