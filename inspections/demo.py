"""Demo data of inspections: document-number prefixes of Tianshui's offices, a finished summer
campaign ("system full coverage", May–July) and the winter campaign in progress (1 November to the
lunar New Year's Eve), double-random draws, about two hundred inspections across the seven counties
and their rectification orders in every state, with re-inspections and a few penalty decisions.

Like complaints.demo, everything is planned first (pure: it depends only on the generator, today
and the demo's projects, clues and users), then written through inspections.services under a
patched clock, so that records, document numbers and change-log entries carry the time they
"happened", and each change is logged under the officer who made it. Inspections are recorded on
working days up to yesterday, never in the future. Checklists follow the project's own state: its
active early warnings (projects.warnings) and missing work-injury insurance or payment guarantee
make the failures; about a third of the inspections fail at least one item. Orders are planned
against today so that every state shows: open (deadline ahead), overdue (deadline passed, not
re-inspected), closed (written off on a rectified re-inspection) and escalated (not rectified after
the deadline), some escalated ones with a penalty decision in the legal range of their article.
Finally the daily job marks today's overdue orders.

The five counties without an inspector of their own are covered by two inspectors of the city's
labour-inspection brigade (天水市劳动保障监察支队), created here if missing, and the city office head.

Idempotent: if the demo city already has campaigns or inspections, nothing is created (the overdue
job still runs)."""
import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.db.models import Count, Sum
from django.utils import timezone

from complaints.demo import Clock, wd_before
from complaints.models import Clue
from projects.demo import weighted
from projects.models import Project, ProjectWarning
from wagecase.core.choices import ChangeSource, DepartmentKind, Role
from wagecase.core.context import change_context, current_context
from wagecase.core.demo import CITY, COUNTIES, DEMO_PASSWORD, not_after, register_seeder
from wagecase.core.identifiers import make_mobile
from wagecase.core.models import Department, Region, User
from wagecase.core.workdays import add_working_days, is_working_day, next_new_years_eve

from . import documents, services
from .choices import (
    CampaignKind, CheckResult, ChecklistItem, DocumentKind, InspectionMethod, OrderStatus, PenaltyArticle, PhaseKind,
)
from .models import PENALTY_RANGES, Campaign, DocumentPrefix, Draw, Inspection, PenaltyDecision, RectificationOrder

INSPECTION_COUNT = 200
FAIL_SHARE = 0.35  # inspections with at least one failed item

# Offices' prefixes of official document numbers: 秦人社监令〔2026〕第12号. Each county numbers its own
# orders, so each has its own prefix (秦州区 and 秦安县 both start with 秦: the default would clash).
PREFIXES = {
    CITY: "天人社监", "620502": "秦人社监", "620503": "麦人社监", "620521": "清人社监", "620522": "秦安人社监",
    "620523": "甘人社监", "620524": "武人社监", "620525": "张人社监",
}
PREFIX_SUFFIX = {DocumentKind.RECTIFICATION_ORDER: "令", DocumentKind.PENALTY_DECISION: "罚"}

# The city brigade's inspectors (username, full name, enforcement card): they cover every county.
CITY_INSPECTORS = [("inspector_city", "刘文博", "甘劳监6205003"), ("inspector_city2", "马鹏飞", "甘劳监6205007")]
# Inspection teams per county: pairs of usernames with weights.
TEAMS = {
    "620502": {("inspector", "inspector2"): 70, ("inspector", "head"): 8, ("inspector2", "head"): 7,
               ("inspector", "inspector_city"): 8, ("inspector2", "inspector_city2"): 7},
    "620503": {("inspector_maiji", "inspector_city"): 45, ("inspector_maiji", "inspector_city2"): 35,
               ("inspector_maiji", "head"): 20},
}
CITY_TEAMS = {("inspector_city", "inspector_city2"): 60, ("inspector_city", "head"): 20, ("inspector_city2", "head"): 20}
USERNAMES = ["inspector", "inspector2", "inspector_maiji", "head"] + [u for u, _n, _c in CITY_INSPECTORS]

METHOD_WEIGHTS = {InspectionMethod.ROUTINE: 58, InspectionMethod.UNANNOUNCED: 28, InspectionMethod.JOINT: 14}
COMPLAINT_SHARE = 0.09

# How an active early warning shows at an inspection: the checklist items it fails (the first most likely).
RULE_ITEMS = {
    "allocation_missing": ["dedicated_account"], "payroll_late": ["monthly_full_pay", "contractor_payroll"],
    "underpaid": ["monthly_full_pay"], "deposit_short": ["wage_deposit"], "topup_overdue": ["wage_deposit"],
    "roster_empty": ["real_name"], "no_notice_board": ["notice_board"],
    "entered_before_contract": ["labour_contracts", "real_name"],
    "paid_outside_bank": ["contractor_payroll"],
}
SEVERITY_WEIGHT = {"red": 3.0, "orange": 2.0, "yellow": 1.0}
COMMON_LAPSES = {"labour_contracts": 4, "notice_board": 3, "real_name": 3, "contractor_payroll": 2, "injury_insurance": 1}
ITEM_DAYS = {  # working days to rectify, by the hardest failed item (None: the policy's default)
    "notice_board": 5, "labour_contracts": 10, "real_name": 10, "injury_insurance": 10, "contractor_payroll": 10,
    "monthly_full_pay": 10, "dedicated_account": None, "wage_deposit": None, "payment_guarantee": 20,
}
ITEM_TEXT = {
    "dedicated_account": "农民工工资专用账户管理", "real_name": "劳动用工实名制管理", "contractor_payroll": "总包代发工资",
    "wage_deposit": "工资保证金存储", "notice_board": "维权信息告示牌", "labour_contracts": "书面劳动合同签订",
    "injury_insurance": "按项目参加工伤保险", "payment_guarantee": "工程款支付担保", "monthly_full_pay": "按月足额支付工资",
}
FAIL_NOTES = {
    "dedicated_account": ["建设单位{month}人工费用未按时足额拨付至农民工工资专用账户。",
                          "专用账户{month}无人工费用拨付记录，账户余额不足以支付当月工资。"],
    "real_name": ["现场抽查{n}名工人，其中{k}人未录入实名制管理系统。", "考勤记录与实名制花名册不一致，{k}名在场工人无考勤记录。"],
    "contractor_payroll": ["{month}工资由班组长代领后发放，未由总包单位通过专用账户代发。",
                           "{month}工资支付表未经工人本人签字确认。"],
    "wage_deposit": ["工资保证金未按规定比例足额存储。", "工资保证金被动用后未在规定期限内补足。"],
    "notice_board": ["施工现场未设置维权信息告示牌。", "维权信息告示牌未公示劳资专管员、工资发放日和投诉举报电话。"],
    "labour_contracts": ["抽查{n}名工人，其中{k}人未签订书面劳动合同。", "{k}名工人先进场施工、后补签劳动合同。"],
    "injury_insurance": ["项目未办理建筑业按项目参加工伤保险手续。"],
    "payment_guarantee": ["建设单位未按规定提供工程款支付担保。"],
    "monthly_full_pay": ["{month}工资未按月足额支付，{k}名工人工资尚未发放。", "{k}名工人{month}工资仅发放部分，差额未结清。"],
}
REMEDIES = {
    "dedicated_account": "建设单位已将人工费用拨付至农民工工资专用账户", "real_name": "在场工人已全部完成实名制登记，考勤记录完整",
    "contractor_payroll": "工资已由总包单位通过专用账户代发，工资支付表经工人本人签字确认",
    "wage_deposit": "已足额存储工资保证金", "notice_board": "已在项目出入口设置维权信息告示牌，公示内容齐全",
    "labour_contracts": "已与在场工人补签书面劳动合同", "injury_insurance": "已办理按项目参加工伤保险手续",
    "payment_guarantee": "建设单位已提交工程款支付银行保函", "monthly_full_pay": "拖欠工资已全额支付至工人个人银行账户",
}
METHOD_TEXT = {
    InspectionMethod.ROUTINE: "日常巡查", InspectionMethod.DOUBLE_RANDOM: "“双随机、一公开”抽查",
    InspectionMethod.UNANNOUNCED: "“四不两直”暗查暗访", InspectionMethod.COMPLAINT: "投诉举报核查",
    InspectionMethod.JOINT: "联合执法检查",
}
TRADES = ["钢筋工", "木工", "瓦工", "架子工", "普工", "水电工", "混凝土工", "抹灰工"]
EXCUSES = ["建设单位工程款未到位", "工程量尚未结算", "要等年底统一结算"]
PASS_INTERVIEWS = [
    "随机询问{n}名工人，均表示工资按月通过银行卡发放，无拖欠。",
    "询问{n}名工人（{trades}），工资发放正常，知晓告示牌上的投诉举报电话。",
    "现场询问{n}名工人，均已签订劳动合同，工资由总包单位按月代发到个人账户。",
]

# Articles of the Regulation by failed item: who is liable, and whether a stoppage may be ordered.
ITEM_ARTICLE = [  # by precedence
    ("payment_guarantee", PenaltyArticle.ART_57), ("dedicated_account", PenaltyArticle.ART_55),
    ("wage_deposit", PenaltyArticle.ART_55), ("real_name", PenaltyArticle.ART_55),
    ("contractor_payroll", PenaltyArticle.ART_56), ("notice_board", PenaltyArticle.ART_56),
]
ARTICLE_NUMBER = {PenaltyArticle.ART_54_UNIT: "五十四", PenaltyArticle.ART_54_PERSON: "五十四", PenaltyArticle.ART_55: "五十五",
                  PenaltyArticle.ART_56: "五十六", PenaltyArticle.ART_57: "五十七"}

WINTER_NOTES = {
    PhaseKind.PUBLICITY: "宣传《保障农民工工资支付条例》，督促在建项目对照五项制度开展自查自纠",
    PhaseKind.SCREENING: "对在建工程项目开展拉网式排查，建立欠薪隐患问题台账，同步开展“双随机”抽查",
    PhaseKind.ENFORCEMENT: "对排查发现的问题限期整改，逾期不改的依法处罚，欠薪案件春节前动态清零",
    PhaseKind.CONSOLIDATION: "对已销号问题开展“回头看”，总结经验，健全长效机制",
}
SUMMER_NOTES = {
    PhaseKind.PUBLICITY: "部署动员，督促在建项目落实工资支付保障制度并报送自查情况",
    PhaseKind.SCREENING: "逐项目核查五项制度落实情况，建立问题清单",
    PhaseKind.ENFORCEMENT: "问题清单限期整改，对拒不整改的依法查处",
    PhaseKind.CONSOLIDATION: "整改情况复查销号，形成制度全覆盖工作报告",
}


def _days(n):
    return datetime.timedelta(days=n)


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def working_days(first, last):
    days, day = [], first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += _days(1)
    return days


def pick_day(rng, first, last):
    """A working day in [first, last], or None."""
    days = working_days(first, last) if first <= last else []
    return rng.choice(days) if days else None


# --- Seasons -------------------------------------------------------------------------------------

def winter_season(today):
    """The winter campaign in progress (or the last one): 1 November to the lunar New Year's Eve."""
    start = datetime.date(today.year if today.month >= 11 else today.year - 1, 11, 1)
    return start, next_new_years_eve(start)


def summer_season(today):
    """The last finished summer campaign: May to July."""
    year = today.year if today >= datetime.date(today.year, 8, 1) else today.year - 1
    return datetime.date(year, 5, 1), datetime.date(year, 7, 31)


def winter_phases(start, eve):
    bounds = [(PhaseKind.PUBLICITY, start, start + _days(14)),
              (PhaseKind.SCREENING, start + _days(15), datetime.date(start.year, 12, 15)),
              (PhaseKind.ENFORCEMENT, datetime.date(start.year, 12, 16), eve - _days(16)),
              (PhaseKind.CONSOLIDATION, eve - _days(15), eve)]
    return [{"kind": k, "starts_on": s, "ends_on": e, "note": WINTER_NOTES[k]} for k, s, e in bounds]


def summer_phases(start, end):
    y = start.year
    bounds = [(PhaseKind.PUBLICITY, start, datetime.date(y, 5, 20)),
              (PhaseKind.SCREENING, datetime.date(y, 5, 21), datetime.date(y, 6, 20)),
              (PhaseKind.ENFORCEMENT, datetime.date(y, 6, 21), datetime.date(y, 7, 20)),
              (PhaseKind.CONSOLIDATION, datetime.date(y, 7, 21), end)]
    return [{"kind": k, "starts_on": s, "ends_on": e, "note": SUMMER_NOTES[k]} for k, s, e in bounds]


# --- The plan ------------------------------------------------------------------------------------

@dataclass
class Visit:
    """One planned inspection and what follows its order."""

    day: datetime.date
    county: str
    project: Project
    method: str
    team: tuple
    campaign: str = None  # "summer", "winter" or None (between campaigns)
    draw: str = None
    clue: Clue = None
    score: float = 0.0
    failed: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    rectify_by: datetime.date = None
    outcome: str = None  # open / overdue / closed / escalated
    penalty: dict = None
    steps: list = field(default_factory=list)  # (day, action, params) after the inspection


@dataclass
class DrawPlan:
    key: str
    campaign: str
    county: str
    day: datetime.date
    user: str
    seed: int
    projects: list
    inspectors: list
    count: int
    publish: bool
    pool_filter: dict = None
    result: list = None


class Context:
    """What the planner reads once from the database."""

    def __init__(self, today, now):
        self.today, self.now = today, now
        self.yesterday = today - _days(1)
        self.tz = timezone.get_current_timezone()
        self.users = User.objects.in_bulk(USERNAMES, field_name="username")
        self.county_names = dict(Region.objects.filter(code__in=COUNTIES).values_list("code", "name"))
        self.counties = [c for c in COUNTIES if c in self.county_names]
        warnings = {}
        for project_id, rule, severity in ProjectWarning.objects.filter(
                active=True, project__region_id__in=self.counties).values_list("project_id", "rule", "severity"):
            warnings.setdefault(project_id, []).append((rule, severity))
        self.projects, self.weak = {}, {}
        for project in (Project.objects.filter(region_id__in=self.counties).exclude(status="planned")
                        .select_related("general_contractor", "builder", "regulator", "deposit").order_by("code")):
            self.projects.setdefault(project.region_id, []).append(project)
            self.weak[project.pk] = weak_items(project, warnings.get(project.pk, []))
        self.clues = list(Clue.objects.filter(project__region_id__in=self.counties, merged_into__isnull=True)
                          .exclude(category__in=["duplicate", "not_accepted"]).select_related("project").order_by("received_at"))
        self.pools = {c: list(services.inspector_pool_for(c)) for c in self.counties}

    def local_date(self, t):
        return timezone.localtime(t, self.tz).date()

    def at(self, rng, day, start=(9, 0), end=(17, 30)):
        first, last = start[0] * 60 + start[1], end[0] * 60 + end[1]
        t = datetime.datetime.combine(day, datetime.time(0), tzinfo=self.tz) + datetime.timedelta(
            minutes=rng.randint(first, last), seconds=rng.randint(0, 59))
        return not_after(t, self.now - datetime.timedelta(minutes=5), day)

    def eligible(self, county, day):
        """Projects of the county under way on `day`."""
        return [p for p in self.projects.get(county, [])
                if p.start_date <= day - _days(14) and (p.completed_on is None or p.completed_on >= day)]


def weak_items(project, warnings):
    """{item: weight}: what an inspection of the project is likely to find."""
    weak = {}
    for rule, severity in warnings:
        for i, item in enumerate(RULE_ITEMS.get(rule, [])):
            weak[item] = max(weak.get(item, 0), SEVERITY_WEIGHT.get(severity, 1.0) / (1 + i))
    if not project.injury_insurance:
        weak["injury_insurance"] = max(weak.get("injury_insurance", 0), 1.5)
    if not project.payment_guarantee and project.investment_type in ("government", "soe", "ppp"):
        weak["payment_guarantee"] = max(weak.get("payment_guarantee", 0), 1.0)
    return weak


def team_for(rng, county):
    return weighted(rng, TEAMS.get(county, CITY_TEAMS))


def plan_draws(rng, ctx, summer, winter):
    draws = []
    s_start, s_end = summer
    day = pick_day(rng, datetime.date(s_start.year, 5, 21), datetime.date(s_start.year, 5, 27))
    pool = [p for p in ctx.eligible("620502", day) if p.completed_on is None or p.completed_on >= s_end] if day else []
    if pool and len(ctx.pools.get("620502", [])) >= 2:
        draws.append(DrawPlan("summer-620502", "summer", "620502", day, "inspector2", rng.getrandbits(48), pool,
                              ctx.pools["620502"], min(10, len(pool)), True, {"region": "620502", "under_way_on": str(day)}))
    w_start, _w_end = winter
    day = wd_before(min(w_start + _days(8), ctx.yesterday), 0)
    for key, county, user, count, publish, when in (
            ("winter-620502", "620502", "inspector", 12, True, day),
            ("winter-620503", "620503", "inspector_maiji", 8, False, wd_before(ctx.yesterday, 0))):
        pool = [p for p in ctx.projects.get(county, []) if p.status == "in_progress" and p.start_date <= when]
        if when < w_start or not pool or len(ctx.pools.get(county, [])) < 2:
            continue
        draws.append(DrawPlan(key, "winter", county, when, user, rng.getrandbits(48), pool, ctx.pools[county],
                              min(count, len(pool)), publish, {"region": county, "status": "in_progress"}))
    from .draw import compute_draw

    for d in draws:
        d.result = compute_draw(d.seed, [p.code for p in d.projects], [u.username for u in d.inspectors], d.count, 2)
    return draws


def plan_visits(rng, ctx, count, summer, winter, draws):
    """The inspections of each period: draws, complaints, then routine, unannounced and joint ones."""
    y = ctx.yesterday
    w_start, w_end = winter
    periods = [("summer", summer[0], min(summer[1], y), 0.45),
               ("autumn", summer[1] + _days(1), min(w_start - _days(1), y), 0.15),
               ("winter", w_start, min(w_end, y), 0.40)]
    visits = []
    by_code = {p.code: p for ps in ctx.projects.values() for p in ps}
    by_pk = {p.pk: p for p in by_code.values()}
    for key, first, last, share in periods:
        days = working_days(first, last) if first <= last else []
        if not days:
            continue
        n = round(count * share)
        if key == "winter":
            n = round(n * min(1.0, len(days) / 15))  # the campaign's first weeks: fewer early in the season
        campaign = None if key == "autumn" else key
        period_visits = []
        # Double-random draws: the drawn projects with the drawn pair; the winter ones are under way.
        for d in draws:
            if d.campaign != key or not d.publish:
                continue
            later = working_days(d.day + _days(1), last)
            done = d.result if key != "winter" else d.result[: max(1, round(len(d.result) * 0.6))]
            for row in done:
                if not later:
                    break
                late = [x for x in later if x <= d.day + _days(50)] or later
                period_visits.append(Visit(rng.choice(late), d.county, by_code[row["project"]], InspectionMethod.DOUBLE_RANDOM,
                                           tuple(row["inspectors"]), campaign, d.key))
        # Complaint-triggered: a clue about a project brings the inspectors to the site within days.
        clues = [c for c in ctx.clues if first - _days(10) <= ctx.local_date(c.received_at) <= last - _days(3)]
        for clue in rng.sample(clues, min(len(clues), max(1, round(n * COMPLAINT_SHARE)) if n else 0)):
            day = add_working_days(ctx.local_date(clue.received_at), rng.randint(2, 6))
            project = by_pk.get(clue.project_id)
            if project and first <= day <= last and project.start_date <= day and (
                    project.completed_on is None or project.completed_on >= day):
                period_visits.append(Visit(day, project.region_id, project, InspectionMethod.COMPLAINT,
                                           team_for(rng, project.region_id), campaign, clue=clue))
        seen = {(v.project.pk, v.day) for v in period_visits}
        visited = {v.project.pk for v in period_visits}
        weights = {c: max(1, len(ps)) for c, ps in ctx.projects.items()}
        tries = 0
        while len(period_visits) < n and tries < n * 20:
            tries += 1
            day = rng.choice(days)
            county = weighted(rng, weights)
            candidates = ctx.eligible(county, day)
            if not candidates:
                continue
            # Riskier projects are visited more, and a campaign aims to cover every project once.
            project = weighted(rng, [(p, (1 + sum(ctx.weak[p.pk].values()) / 3) * (1 if p.pk in visited else 3))
                                     for p in candidates])
            if (project.pk, day) in seen:
                continue
            seen.add((project.pk, day))
            visited.add(project.pk)
            period_visits.append(Visit(day, county, project, weighted(rng, METHOD_WEIGHTS), team_for(rng, county), campaign))
        visits.extend(period_visits)
    visits.sort(key=lambda v: (v.day, v.county, v.project.code))
    return visits


METHOD_BONUS = {InspectionMethod.COMPLAINT: 3.0, InspectionMethod.UNANNOUNCED: 1.2, InspectionMethod.JOINT: 0.6,
                InspectionMethod.DOUBLE_RANDOM: 0.5, InspectionMethod.ROUTINE: 0.0}


def plan_checklists(rng, ctx, visits):
    """The riskiest third of the visits (the project's warnings, the method, chance) fail something."""
    for v in visits:
        v.score = min(8.0, sum(ctx.weak[v.project.pk].values())) + METHOD_BONUS[v.method] + rng.uniform(0, 4)
    failing = sorted(visits, key=lambda v: -v.score)[: round(len(visits) * FAIL_SHARE)]
    for v in failing:
        weak = sorted(ctx.weak[v.project.pk].items(), key=lambda kv: (-kv[1], kv[0]))
        failed = [item for i, (item, w) in enumerate(weak) if i == 0 or rng.random() < min(0.8, 0.2 + 0.12 * w)][:3]
        if not failed or rng.random() < 0.25:
            failed.append(weighted(rng, COMMON_LAPSES))
        v.failed = [item for item in ChecklistItem.values if item in set(failed)]
    for v in visits:
        v.fields = compose(rng, ctx, v)


def month_before(day):
    last = day.replace(day=1) - _days(1)
    return f"{last.year}年{last.month}月"


def compose(rng, ctx, v):
    """Checklist, notes, findings and interviews of a visit, in Chinese."""
    project = v.project
    deposit = getattr(project, "deposit", None)
    checklist, notes = {}, {}
    interviewed = rng.randint(3, 12)
    for item in ChecklistItem.values:
        if item in v.failed:
            checklist[item] = CheckResult.FAIL
            notes[item] = rng.choice(FAIL_NOTES[item]).format(month=month_before(v.day), n=interviewed,
                                                              k=rng.randint(1, max(1, interviewed // 2)))
        elif item == "wage_deposit" and deposit is not None and deposit.exempt:
            checklist[item] = CheckResult.NA
            notes[item] = "施工总承包单位符合减免条件，免于存储工资保证金。"
        else:
            checklist[item] = CheckResult.PASS
    names = "、".join(ctx.users[u].full_name for u in v.team)
    what = METHOD_TEXT[v.method]
    if v.method == InspectionMethod.COMPLAINT:
        what = f"投诉举报核查（线索{v.clue.number}）"
    elif v.method == InspectionMethod.JOINT:
        regulator = project.regulator.name if project.regulator_id else f"{ctx.county_names[v.county]}住房和城乡建设局"
        what = f"联合执法检查（会同{regulator}）"
    text = (f"检查组（{names}）对{project.name}开展{what}，查阅了农民工工资专用账户流水、实名制考勤记录和工资支付台账，"
            f"现场询问工人{interviewed}名。")
    if v.failed:
        text += f"发现{len(v.failed)}项问题：{'、'.join(ITEM_TEXT[i] for i in v.failed)}不到位，已当场下达限期整改指令。"
    elif v.method == InspectionMethod.COMPLAINT:
        text += "经核查，工资支付制度落实到位，线索反映的欠薪问题已在处理中，未发现其他问题。"
    else:
        text += "工资支付保障制度落实到位，未发现欠薪问题。"
    if "monthly_full_pay" in v.failed:
        interview = (f"随机询问{interviewed}名工人，其中{rng.randint(1, max(1, interviewed // 2))}人反映{month_before(v.day)}"
                     f"工资尚未发放，班组长称{rng.choice(EXCUSES)}。")
    elif "labour_contracts" in v.failed:
        interview = f"随机询问{interviewed}名工人，其中{rng.randint(1, max(1, interviewed // 3))}人表示未签订书面劳动合同。"
    else:
        interview = rng.choice(PASS_INTERVIEWS).format(n=interviewed, trades="、".join(rng.sample(TRADES, 3)))
    return {"checklist": checklist, "checklist_notes": notes, "findings": text, "workers_interviewed": interviewed,
            "interview_notes": interview}


def deadline(v):
    days = [ITEM_DAYS[i] or 15 for i in v.failed]
    n = max(days)
    return add_working_days(v.day, n), (None if n == 15 else add_working_days(v.day, n))


def eligible(state, v, ctx):
    y, due = ctx.yesterday, v.rectify_by
    if state == "open":
        return due >= ctx.today
    if state == "closed":
        return add_working_days(v.day, 2) <= y
    if state == "overdue":
        return due <= y
    if state == "escalated":
        return due + _days(1) <= y
    if state == "penalty":
        return due + _days(10) <= y
    raise ValueError(state)


def plan_orders(rng, ctx, visits):
    """Decide the fate of each order, make sure every state shows, then lay out the steps."""
    orders = [v for v in visits if v.failed]
    for v in orders:
        v.rectify_by, v.fields["rectify_by"] = deadline(v)
        if v.rectify_by >= ctx.today:
            choices = {"open": 72, "closed": 28}
        elif (ctx.today - v.rectify_by).days > 30:
            choices = {"closed": 74, "escalated": 18, "overdue": 8}
        else:
            choices = {"closed": 40, "escalated": 25, "overdue": 35}
        choices = {s: w for s, w in choices.items() if eligible(s, v, ctx)} or {"open": 1}
        v.outcome = weighted(rng, choices)
        if v.outcome == "escalated" and eligible("penalty", v, ctx) and rng.random() < 0.8:
            v.penalty = {}
    # Every state shows, and the ledgers have a few of each (a minimum share of the orders).
    minimum = {"open": 1, "overdue": max(1, round(len(orders) * 0.05)), "closed": 1,
               "escalated": max(1, round(len(orders) * 0.08)), "penalty": max(1, round(len(orders) * 0.06))}
    for state, wanted in minimum.items():
        for _i in range(wanted):
            counts = {}
            for v in orders:
                counts[v.outcome] = counts.get(v.outcome, 0) + 1
            if state == "penalty":
                present = sum(1 for v in orders if v.penalty is not None)
            else:
                present = counts.get(state, 0)
            if present >= wanted:
                break
            keep = {s for s, n in minimum.items() if s != "penalty" and counts.get(s, 0) <= n}
            spare = [v for v in orders if v.outcome not in keep and v.penalty is None]
            if state == "penalty":
                spare += [v for v in orders if v.outcome == "escalated" and v.penalty is None]
            candidates = [v for v in spare if eligible(state, v, ctx)]
            if state == "open" and not candidates:
                # The most recent order gets a longer deadline (set by the inspector), still running today.
                candidates = [v for v in spare if v.day <= ctx.yesterday][-1:]
                for v in candidates:
                    v.rectify_by = v.fields["rectify_by"] = add_working_days(ctx.today, rng.randint(2, 6))
            if not candidates:
                break
            v = candidates[-1] if state == "open" else rng.choice(candidates)
            v.outcome = "escalated" if state == "penalty" else state
            if state == "penalty":
                v.penalty = {}
    for v in orders:
        plan_steps(rng, ctx, v)
    penalties = [v.penalty for v in orders if v.penalty]
    if penalties and not any(p["work_stoppage"] for p in penalties):
        # At least one order to stop work, where the article provides for it and work goes on.
        for p in penalties:
            if PENALTY_RANGES[p["article"]][2] and p["in_progress"]:
                p["work_stoppage"] = True
                break


def plan_steps(rng, ctx, v):
    y, due, issued = ctx.yesterday, v.rectify_by, v.day
    first = add_working_days(issued, 2)
    steps = []
    if v.outcome in ("open", "overdue"):
        if rng.random() < 0.25:
            r0 = pick_day(rng, first, min(due, y))
            if r0:
                steps.append((r0, "reinspect", {"rectified": False}))
    elif v.outcome == "closed":
        r = None
        if due < y and rng.random() < 0.2:  # unfinished at a re-inspection before the deadline, written off after it
            r0, r = pick_day(rng, first, due), pick_day(rng, due + _days(1), min(due + _days(10), y))
            if r0 and r:
                steps.append((r0, "reinspect", {"rectified": False}))
            else:
                r = None
        if r is None:
            r = pick_day(rng, add_working_days(issued, 3), min(due + _days(3), y)) or pick_day(rng, first, y)
        steps.append((r, "reinspect", {"rectified": True}))
    elif v.outcome == "escalated":
        r = None
        if v.penalty is not None:
            r = pick_day(rng, due + _days(1), min(due + _days(12), y - _days(3)))
        r = r or pick_day(rng, due + _days(1), min(due + _days(12), y)) or pick_day(rng, due + _days(1), y)
        if r is None:  # no working day between the deadline and today: still overdue
            v.outcome, v.penalty = "overdue", None
        else:
            if rng.random() < 0.3:
                r0 = pick_day(rng, first, due)
                if r0:
                    steps.append((r0, "reinspect", {"rectified": False}))
            steps.append((r, "reinspect", {"rectified": False}))
        if v.penalty is not None:
            p = pick_day(rng, r + _days(3), min(r + _days(25), y))
            if p is None:
                v.penalty = None
            else:
                v.penalty = plan_penalty(rng, v)
                steps.append((p, "penalty", v.penalty))
    v.steps = steps


def plan_penalty(rng, v):
    article = next((a for item, a in ITEM_ARTICLE if item in v.failed), PenaltyArticle.ART_54_UNIT)
    if article == PenaltyArticle.ART_54_UNIT and rng.random() < 0.3:
        article = PenaltyArticle.ART_54_PERSON
    low, high, stoppage = PENALTY_RANGES[article]
    steps = int((high - low) / 5000)
    amount = low + Decimal(5000) * rng.randint(0, steps)
    in_progress = v.project.status == "in_progress"
    return {
        "article": article, "amount": amount, "work_stoppage": bool(stoppage and in_progress and rng.random() < 0.4),
        "in_progress": in_progress,
        "liable": "builder" if article == PenaltyArticle.ART_57 else "contractor",
        "person": article == PenaltyArticle.ART_54_PERSON,
    }


@dataclass
class Event:
    when: datetime.datetime
    kind: str
    user: str
    payload: object = None
    params: dict = field(default_factory=dict)


def make_plan(rng, ctx, count=INSPECTION_COUNT):
    """Campaigns, draws, visits and their follow-ups as events in time order. Pure apart from `ctx`."""
    summer, winter = summer_season(ctx.today), winter_season(ctx.today)
    draws = plan_draws(rng, ctx, summer, winter)
    visits = plan_visits(rng, ctx, count, summer, winter, draws)
    plan_checklists(rng, ctx, visits)
    plan_orders(rng, ctx, visits)
    events = [
        Event(ctx.at(rng, wd_before(summer[0] - _days(14), 0)), "prefixes", "head"),
        Event(ctx.at(rng, wd_before(summer[0] - _days(3), 0)), "campaign", "head", "summer", {"dates": summer}),
        Event(ctx.at(rng, wd_before(winter[0] - _days(3), 0)), "campaign", "head", "winter", {"dates": winter}),
    ]
    for d in draws:
        drawn = ctx.at(rng, d.day, (9, 30), (11, 0))
        events.append(Event(drawn, "draw", d.user, d))
        if d.publish:
            events.append(Event(max(drawn, ctx.at(rng, d.day, (15, 0), (17, 0))), "publish", d.user, d))
    for v in visits:
        events.append(Event(ctx.at(rng, v.day, (14, 0), (18, 30)), "visit", v.team[0], v))
        for day, action, params in v.steps:
            user = "head" if action == "penalty" else rng.choice(v.team)
            events.append(Event(ctx.at(rng, day), action, user, v, params))
    events.sort(key=lambda e: e.when)
    return events, visits, draws


# --- Writing through the services ----------------------------------------------------------------

def ensure_prefixes():
    created = 0
    regions = Region.objects.in_bulk(list(PREFIXES))
    for code, stem in PREFIXES.items():
        if code not in regions:
            continue
        for kind, suffix in PREFIX_SUFFIX.items():
            if DocumentPrefix.objects.filter(region_id=code, kind=kind).exists():
                continue
            prefix = DocumentPrefix(region=regions[code], kind=kind, prefix=stem + suffix)
            prefix.full_clean()
            prefix.save()
            created += 1
    return created


def ensure_city_inspectors(rng):
    department = Department.objects.filter(region_id=CITY, kind=DepartmentKind.LABOUR_INSPECTION).first()
    for username, full_name, card in CITY_INSPECTORS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name, role=Role.INSPECTOR, jurisdiction_id=CITY, department=department,
                    phone=make_mobile(rng), inspector_card_number=card)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()


def penalty_facts(order, v, enterprise, reinspected_on, params, amount_text):
    article = ARTICLE_NUMBER[params["article"]]
    person = f"（责任人：{enterprise.legal_representative}）" if params["person"] else ""
    return (f"{enterprise.name}{person}在{v.project.name}中存在{'、'.join(ITEM_TEXT[i] for i in v.failed)}不到位的问题。"
            f"本机关于{cn_date(order.issued_on)}下达《限期整改指令书》（{order.number}），责令其于{cn_date(order.rectify_by)}前改正；"
            f"{cn_date(reinspected_on)}复查，逾期仍未改正。依据《保障农民工工资支付条例》第{article}条，"
            f"决定{'责令项目停工，并' if params['work_stoppage'] else ''}处罚款{amount_text}元。")


def write_plan(events, ctx):
    real_now = timezone.now
    clock = Clock(real_now)
    outer = current_context()
    regions = Region.objects.in_bulk(list(ctx.counties) + [CITY])
    campaigns, draws, orders, last_reinspection = {}, {}, {}, {}
    last_day = None

    def daily_jobs(until):
        """The daily overdue marking (01:15, inspections.tasks), as it ran on each day up to `until`."""
        nonlocal last_day
        day = until if last_day is None else last_day + _days(1)
        while day <= until:
            clock.value = min(datetime.datetime.combine(day, datetime.time(1, 15), tzinfo=ctx.tz), ctx.now)
            with change_context(source=ChangeSource.TASK, label="inspections.orders_mark_overdue"):
                services.orders_mark_overdue(today=day)
            last_day = day
            day += _days(1)

    with mock.patch("django.utils.timezone.now", clock):
        for event in events:
            daily_jobs(ctx.local_date(event.when))
            clock.value = event.when
            day = ctx.local_date(event.when)
            user = ctx.users[event.user]
            with change_context(source=outer.source, user=user, label=outer.label):
                if event.kind == "prefixes":
                    ensure_prefixes()
                elif event.kind == "campaign":
                    start, end = event.params["dates"]
                    if event.payload == "winter":
                        campaign = Campaign(
                            name=f"{start.year}—{start.year + 1}年度冬季根治欠薪专项行动", kind=CampaignKind.WINTER,
                            description=("深入贯彻《保障农民工工资支付条例》，在全市集中开展根治欠薪冬季专项行动：对在建工程项目"
                                         "工资支付保障制度落实情况全覆盖检查，发现问题限期整改、逐项销号，确保农民工工资在春节前"
                                         "足额支付到位。行动期间实行欠薪问题日报告制度。"),
                            daily_reporting=True)
                        phases = winter_phases(start, end)
                    else:
                        campaign = Campaign(
                            name=f"{start.year}年保障农民工工资支付制度全覆盖夏季专项行动", kind=CampaignKind.SUMMER,
                            description=("对全市在建工程项目农民工工资专用账户、实名制管理、总包代发工资、工资保证金和维权信息"
                                         "告示牌五项制度落实情况开展全覆盖检查，推动制度落实率达到100%。"),
                            daily_reporting=False)
                        phases = summer_phases(start, end)
                    campaign.region = regions[CITY]
                    campaign.starts_on, campaign.ends_on = start, end
                    campaign.target_inspected_percent = campaign.target_rectified_percent = Decimal("100")
                    campaigns[event.payload] = services.campaign_save(campaign=campaign, phases=phases)
                elif event.kind == "draw":
                    d = event.payload
                    draws[d.key] = services.draw_make(
                        campaign=campaigns[d.campaign], user=user, region=regions[d.county], count=d.count,
                        projects=d.projects, inspectors=d.inspectors, seed=d.seed,
                        pool_filter=d.pool_filter)
                elif event.kind == "publish":
                    draws[event.payload.key] = services.draw_publish(draw=draws[event.payload.key], user=user)
                elif event.kind == "visit":
                    v = event.payload
                    inspection = services.inspection_record(
                        user=user, project=v.project, inspected_on=v.day, method=v.method,
                        inspectors=[ctx.users[u] for u in v.team], campaign=campaigns.get(v.campaign),
                        draw=draws.get(v.draw), clue=v.clue, **v.fields)
                    if v.failed:
                        orders[id(v)] = inspection.order
                elif event.kind == "reinspect":
                    v = event.payload
                    rectified = event.params["rectified"]
                    if rectified:
                        note = f"复查：{'；'.join(REMEDIES[i] for i in v.failed)}，整改到位，予以销号。"
                    elif day > v.rectify_by:
                        note = f"复查：{'、'.join(ITEM_TEXT[i] for i in v.failed)}仍未整改到位，已超过整改期限，依法立案查处。"
                    else:
                        note = f"复查：{ITEM_TEXT[v.failed[0]]}正在整改，尚未完成，督促其在期限内整改到位。"
                    orders[id(v)] = services.order_reinspect(order=orders[id(v)], user=user, reinspected_on=day,
                                                             rectified=rectified, note=note)
                    last_reinspection[id(v)] = day
                elif event.kind == "penalty":
                    v, params = event.payload, event.params
                    order = orders[id(v)]
                    enterprise = v.project.builder if params["liable"] == "builder" else order.enterprise
                    amount_text = f"{params['amount']:,.0f}"
                    services.penalty_decide(
                        order=order, user=user, article=params["article"], amount=params["amount"], decided_on=day,
                        work_stoppage=params["work_stoppage"], enterprise=enterprise,
                        responsible_person=enterprise.legal_representative if params["person"] else "",
                        facts=penalty_facts(order, v, enterprise, last_reinspection[id(v)], params, amount_text))
        daily_jobs(ctx.today)
    return len([e for e in events if e.kind == "visit"])


class _Timer:
    """Time spent in the documents module (PDF rendering) while seeding."""

    def __init__(self):
        self.seconds, self.calls = 0.0, 0

    def wrap(self, func):
        def timed(*args, **kwargs):
            began = time.monotonic()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds += time.monotonic() - began
                self.calls += 1

        return timed


def seed_inspections(rng, out, count=INSPECTION_COUNT):
    began = time.monotonic()
    today, now = timezone.localdate(), timezone.now()
    demo_inspections = Inspection.objects.filter(project__region__code__startswith=CITY)
    planned = written = 0.0
    new = 0
    pdf = _Timer()
    if not demo_inspections.exists() and not Campaign.objects.filter(region__code__startswith=CITY).exists():
        ensure_city_inspectors(rng)
        ctx = Context(today, now)
        missing = [u for u in USERNAMES if u not in ctx.users]
        if missing or not ctx.projects:
            out(f"inspections: the core or project demo data is missing ({', '.join(missing) or 'projects'}); skipped")
            return
        events, _visits, _draws = make_plan(rng, ctx, count)
        planned = time.monotonic() - began
        with mock.patch.object(documents, "attach_order_pdf", pdf.wrap(documents.attach_order_pdf)), \
                mock.patch.object(documents, "attach_penalty_pdf", pdf.wrap(documents.attach_penalty_pdf)):
            new = write_plan(events, ctx)
        written = time.monotonic() - began - planned
    else:
        ensure_prefixes()
    services.orders_mark_overdue(today=today)
    orders = RectificationOrder.objects.filter(project__region__code__startswith=CITY)
    statuses = dict(orders.values_list("status").annotate(n=Count("pk")))
    methods = dict(demo_inspections.values_list("method").annotate(n=Count("pk")))
    failed = sum(1 for checklist in demo_inspections.values_list("checklist", flat=True)
                 if CheckResult.FAIL in checklist.values())
    penalties = PenaltyDecision.objects.filter(project__region__code__startswith=CITY)
    total = penalties.aggregate(total=Sum("amount"))["total"] or 0
    campaigns = Campaign.objects.filter(region__code__startswith=CITY)
    out(f"inspections: {demo_inspections.count()} ({new} new), with a failed item {failed}; "
        + ", ".join(f"{m} {methods.get(m, 0)}" for m in InspectionMethod.values))
    out(f"campaigns: {campaigns.count()}; draws: {Draw.objects.filter(region__code__startswith=CITY).count()} "
        f"({Draw.objects.filter(region__code__startswith=CITY, published=True).count()} published)")
    out(f"rectification orders: {orders.count()}; " + ", ".join(f"{s} {statuses.get(s, 0)}" for s in OrderStatus.values))
    out(f"penalty decisions: {penalties.count()} (¥{total:,.0f}; work stoppage {penalties.filter(work_stoppage=True).count()})")
    out("inspections seeded in %.1f s (plan %.1f s, write %.1f s, of which documents %.1f s in %d calls)"
        % (time.monotonic() - began, planned, written, pdf.seconds, pdf.calls))


register_seeder(30, seed_inspections)
