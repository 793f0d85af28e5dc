"""Demo data of complaints: about a thousand wage-arrears clues received over the past twelve months
in Tianshui's seven counties, from every channel, in every state, with their timelines.

Each clue is planned first (pure: it depends only on the generator, today and the demo's projects),
then written through complaints.services under a patched clock, so that every transition, event,
deadline, notification and change-log entry carries the time it "happened". A step planned after
now is not taken, so the recent clues stay open where their plan has reached today; a few clues are
pinned (their dates chosen backwards from today) so that the demo always shows clues in the warning
period and overdue, some of them the demo inspector's. Finally the daily deadline job runs for today.

Idempotent: if the demo counties already have clues, nothing is created (the deadline job still
runs: it raises only what is new today)."""
import datetime
import math
import time
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.db.models import Count, F
from django.utils import timezone

from projects.demo import PLACES, TRADES, make_person, weighted
from projects.models import Employment, PayrollLine, Project, ProjectSubcontractor
from wagecase.core.demo import BRANDS, CITY, register_seeder
from wagecase.core.demo import person_name as core_person_name
from wagecase.core.identifiers import make_mobile
from wagecase.core.models import Enterprise, Region, User
from wagecase.core.policy import get_policy
from wagecase.core.workdays import add_working_days, is_working_day

from . import services
from .choices import ClueCategory, ClueStatus
from .models import Clue

CLUE_COUNT = 1000

# Most clues come from the city districts; 秦州区 (the demo inspector's) most of all.
COUNTY_WEIGHTS = {"620502": 44, "620503": 22, "620521": 7, "620522": 7, "620523": 7, "620524": 7, "620525": 6}
CHANNEL_WEIGHTS = {
    "national_platform": 30, "hotline_12333": 25, "hotline_12345": 14, "window": 10, "letter_visit": 6, "online": 5,
    "qr_code": 5, "transfer": 3, "other": 2,
}
OFFICE_HOURS_CHANNELS = {"window", "letter_visit", "transfer"}  # a person or a file arrives: working days only
PUBLIC_CHANNELS = {"qr_code", "online"}  # the public form: no officer takes it in
# Clues follow the seasons of pay: the run-up to the Spring Festival, and the winter campaign from November.
MONTH_WEIGHTS = {1: 16, 2: 9, 3: 5, 4: 5, 5: 5, 6: 6, 7: 6, 8: 6, 9: 7, 10: 8, 11: 12, 12: 13}
CATEGORY_WEIGHTS = {
    ClueCategory.WAGE_ARREARS: 56, ClueCategory.PROJECT_PAYMENT: 14, ClueCategory.DISPUTE: 11, ClueCategory.UNFOUNDED: 7,
    ClueCategory.DUPLICATE: 2, ClueCategory.NOT_ACCEPTED: 8,
}
PROJECT_SHARE = {  # how often a clue of the category names a construction project
    ClueCategory.WAGE_ARREARS: 0.66, ClueCategory.PROJECT_PAYMENT: 0.95, ClueCategory.DISPUTE: 0.45,
    ClueCategory.UNFOUNDED: 0.5, ClueCategory.DUPLICATE: 0.6, ClueCategory.NOT_ACCEPTED: 0.25,
}

# Who works the clues: the demo's officers per county (the other counties are handled by the city office head).
OFFICERS_620502 = {"staff": 40, "inspector": 32, "inspector2": 28}
INSPECTORS_620502 = ["inspector", "inspector2"]

EXCUSES = ["总包单位未拨付工程款", "工程款尚未结算", "建设单位资金未到位", "说要等年底统一结算", "项目停工资金紧张",
           "劳务公司和班组长互相推诿", "班组长称已把钱交给了包工头"]
PROJECT_STATES = ["已经停工", "已经完工", "还在施工", "主体已封顶"]
OTHER_EMPLOYERS = [  # employers without a construction project: (name suffix, trades)
    ("商贸有限公司", ["营业员", "仓库管理员", "送货司机"]),
    ("餐饮管理有限公司", ["服务员", "厨师", "洗碗工"]),
    ("物业服务有限公司", ["保洁员", "保安", "维修工"]),
    ("果业有限公司", ["果库分拣工", "装卸工", "包装工"]),
    ("农业科技开发有限公司", ["务工人员", "大棚工", "装卸工"]),
    ("酒店管理有限公司", ["服务员", "前台", "保洁员"]),
    ("保安服务有限公司", ["保安"]),
    ("汽车服务有限公司", ["汽修工", "洗车工"]),
    ("建筑劳务有限公司", ["普工", "钢筋工", "木工"]),
    ("装饰工程有限公司", ["油漆工", "瓦工", "水电工"]),
]
LIMITATION_REASON = ("反映的欠薪发生在{year}年，已超过两年投诉时效（《劳动保障监察条例》第二十条），不予受理，"
                     "已告知可申请劳动人事争议仲裁或向人民法院起诉。")
REJECT_REASONS = [
    "该争议已由劳动人事争议仲裁委员会受理，依法不再作为投诉受理，已告知投诉人等待仲裁结果。",
    "该欠薪事项已由人民法院作出生效判决，不再作为投诉受理，已告知投诉人申请强制执行。",
]
REJECT_REASONS_NO_PROJECT = REJECT_REASONS + [
    "用人单位注册地及用工地均不在本辖区，已告知投诉人向属地劳动保障监察机构反映。",
    "经核实，双方系个人承揽零星工程的承揽关系，不属于劳动保障监察管辖范围，已告知通过民事诉讼解决。",
]
EXTENSION_REASONS = [
    "涉及工人较多，工资台账不全，需逐人核对出勤和工资数额。",
    "用人单位负责人失联，需协调公安机关查找，申请延长办理期限。",
    "涉及总包、分包和劳务班组多方，工程量结算尚未完成，需进一步调查。",
    "企业已提出分期支付方案，需监督落实后办结。",
]
HANDOVER_TO_INSPECTOR = "需现场调查取证，移交监察员办理。"
HANDOVER_COMMENTS = [
    "工作调整，转由{to}继续办理。",
    "与{to}正在办理的同一企业线索合并调查，移交其统一办理。",
]
REVISIT_SATISFIED = ["电话回访投诉人，工资已收到，对处理结果表示满意。", "回访投诉人，表示欠薪已全部结清，满意。",
                     "回访班组长，工人工资已通过专户发放到位，满意。"]
REVISIT_UNSATISFIED = ["回访投诉人，认为加班工资未计算在内，对结果不满意，已解释核算依据并告知仲裁途径。",
                       "回访投诉人，称仍有部分工友未领到工资，已核实相关人员不在本线索范围内，告知另行反映。"]


def _days(n):
    return datetime.timedelta(days=n)


def yuan(amount):
    amount = Decimal(amount)
    if amount >= 10000:
        return f"{(amount / 10000).quantize(Decimal('0.01')).normalize():f}万元"
    return f"{amount:.0f}元"


def wd_before(day, n):
    """The n-th working day before `day` (counted back from the last working day up to `day`), so
    that exactly n working days have passed by the end of `day`."""
    while not is_working_day(day):
        day -= _days(1)
    while n > 0:
        day -= _days(1)
        if is_working_day(day):
            n -= 1
    return day


@dataclass
class Step:
    when: datetime.datetime
    action: str
    params: dict = field(default_factory=dict)


@dataclass
class Plan:
    received_at: datetime.datetime
    region: str
    channel: str
    category: str
    receiver: str = None  # username, or None for the public form
    fields: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    duplicate_of: "Plan" = None
    pinned: str = ""  # "warning" or "overdue": dates chosen backwards from today
    limitation: bool = False  # not accepted because beyond the two-year limitation
    years_back: int = 0
    reply: str = ""


class Context:
    """What the planner reads once from the database."""

    def __init__(self, today, now):
        self.today, self.now = today, now
        self.used_ids = set()  # ID numbers given to generated complainants
        self.tz = timezone.get_current_timezone()
        self.users = User.objects.in_bulk([
            "inspector", "inspector2", "inspector_maiji", "staff", "head", "bureau_housing", "bureau_transport",
        ], field_name="username")
        self.county_names = dict(Region.objects.filter(code__in=COUNTY_WEIGHTS).values_list("code", "name"))
        self.counties = [c for c in COUNTY_WEIGHTS if c in self.county_names]
        owed = set(PayrollLine.objects.filter(amount_paid__lt=F("amount_due")).values_list("project_id", flat=True))
        self.projects = {}
        for project in Project.objects.filter(region_id__in=self.counties).exclude(status="planned").select_related(
                "general_contractor").order_by("code"):
            self.projects.setdefault(project.region_id, []).append((project, 5 if project.pk in owed else 1))
        self.subcontractors = {}
        for row in ProjectSubcontractor.objects.select_related("enterprise").order_by("pk"):
            self.subcontractors.setdefault(row.project_id, []).append(row.enterprise)
        self.roster = {}
        for e in (Employment.objects.filter(project__region_id__in=self.counties).select_related("worker", "employer")
                  .order_by("pk")):
            self.roster.setdefault(e.project_id, []).append(e)
        self.enterprises = {}
        for enterprise in Enterprise.objects.order_by("name"):
            self.enterprises.setdefault(enterprise.region_id[:6], []).append(enterprise)
        self.policy = {
            code: {key: int(get_policy(key, code)) for key in (
                "clue_accept_days", "clue_resolve_days", "clue_warning_percent", "clue_transfer_reply_days")}
            for code in self.counties
        }

    def warn_offset(self, county, days):
        return max(1, math.ceil(days * self.policy[county]["clue_warning_percent"] / 100))

    def office_time(self, rng, day, after=None):
        t = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=self.tz) + datetime.timedelta(minutes=rng.randint(0, 560))
        if after is not None and t <= after:
            t = after + datetime.timedelta(minutes=rng.randint(8, 120))
        return t

    def local_date(self, t):
        return timezone.localtime(t, self.tz).date()

    def handler(self, county, rng, channel=None):
        if county == "620502":
            if channel in ("window", "letter_visit"):
                return "staff" if rng.random() < 0.7 else rng.choice(INSPECTORS_620502)
            return weighted(rng, OFFICERS_620502)
        if county == "620503":
            return "inspector_maiji"
        return "head"


# --- What a clue says ----------------------------------------------------------------------------

def unpaid_period(rng, received_on, months, years_back=0):
    end = (received_on.replace(day=1) - _days(1 + 31 * rng.choice([0, 0, 1]))).replace(day=1)
    end = end.replace(year=end.year - years_back)
    start = end
    for _ in range(months - 1):
        start = (start - _days(1)).replace(day=1)
    if start == end:
        return f"{end.year}年{end.month}月"
    if start.year == end.year:
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def amount_for(rng, workers, months, daily=None):
    """A claim consistent with the people and months: ¥3,000 to ¥900,000."""
    monthly = Decimal(daily) * rng.randint(20, 26) if daily else Decimal(rng.randint(3500, 8500))
    share = Decimal(str(round(rng.uniform(0.5, 1.0), 2)))
    per_worker = monthly * months * share
    total = per_worker * workers
    total = max(Decimal(3000), min(Decimal(900000), total))
    return (total / 10).quantize(Decimal("1")) * 10


def draw_workers(rng, category):
    if category == ClueCategory.PROJECT_PAYMENT:
        return rng.choice([rng.randint(4, 15), rng.randint(8, 30), rng.randint(15, 60)])
    roll = rng.random()
    if roll < 0.3:
        return 1
    if roll < 0.65:
        return rng.randint(2, 5)
    if roll < 0.87:
        return rng.randint(6, 15)
    if roll < 0.97:
        return rng.randint(16, 35)
    return rng.randint(36, 60)


def compose(rng, ctx, plan, received_on):
    """Complainant, employer, project, figures and description of a clue."""
    category, county = plan.category, plan.region
    workers = draw_workers(rng, category)
    months = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 6])
    candidates = [(p, w) for p, w in ctx.projects.get(county, [])
                  if p.start_date <= received_on - _days(20)
                  and (p.completed_on is None or p.completed_on >= received_on - _days(240))]
    project = employer = complainant = None
    trade, daily = rng.choice(list(TRADES)), None
    if candidates and rng.random() < PROJECT_SHARE[category]:
        project = weighted(rng, candidates)
        roster = [e for e in ctx.roster.get(project.pk, []) if e.entered_on <= received_on]
        employer = project.general_contractor
        if roster and rng.random() < 0.6:
            employment = rng.choice(roster)
            complainant = employment.worker
            trade, daily = employment.trade or trade, employment.daily_wage
            employer = employment.employer or employer
        elif ctx.subcontractors.get(project.pk) and rng.random() < 0.35:
            employer = rng.choice(ctx.subcontractors[project.pk])
    elif rng.random() < 0.35 and ctx.enterprises.get(county):
        employer = rng.choice(ctx.enterprises[county])
    fields = {"project": project, "workers_involved": workers}
    if employer is not None:
        fields["employer_name"] = employer.name
        fields["employer_uscc"] = employer.uscc if rng.random() < 0.9 else ""
    else:
        suffix, trades = rng.choice(OTHER_EMPLOYERS)
        if rng.random() < 0.15:
            fields["employer_name"] = f"包工头{core_person_name(rng)[:1]}某某（个人）"
            trade = rng.choice(list(TRADES))
        else:
            fields["employer_name"] = f"天水{rng.choice(BRANDS)}{rng.choice(BRANDS)}{suffix}"
            trade = rng.choice(trades)
        fields["employer_uscc"] = ""
    if complainant is not None:
        fields["complainant_name"] = complainant.name
        fields["complainant_phone"] = complainant.phone or make_mobile(rng)
        fields["complainant_id_number"] = complainant.id_number if rng.random() < 0.5 else ""
    else:
        person = make_person(rng, county, trade if trade in TRADES else "普工", ctx.used_ids, ctx.today)
        fields["complainant_name"] = person.name
        fields["complainant_phone"] = person.phone
        fields["complainant_id_number"] = person.id_number if rng.random() < 0.35 else ""
    amount = amount_for(rng, workers, months, daily)
    if category == ClueCategory.PROJECT_PAYMENT:
        amount = min(Decimal(900000), amount * Decimal(str(round(rng.uniform(1.0, 1.6), 2))) // 10 * 10)
    fields["amount_claimed"] = amount

    years_back = 2 + rng.randint(0, 1) if plan.limitation else 0
    period = unpaid_period(rng, received_on, months, years_back)
    place = f"{ctx.county_names[county]}{rng.choice(PLACES[county])}"
    site = project.name if project else f"{place}某工地"
    emp = fields["employer_name"]
    who = "本人" if workers == 1 else f"我们{workers}人"
    if category == ClueCategory.PROJECT_PAYMENT:
        text = (f"我方劳务班组{workers}人在{site}施工，{emp}以{rng.choice(EXCUSES)}为由拖欠工程款，"
                f"导致{period}农民工工资{yuan(amount)}无法发放，项目{rng.choice(PROJECT_STATES)}。")
    elif category == ClueCategory.DISPUTE:
        agreed = (daily or Decimal(rng.randint(200, 350))).quantize(Decimal("1"))
        paid = agreed - rng.choice([20, 30, 40, 50, 60])
        text = (f"{who}在{site if project or trade in TRADES else emp}从事{trade}工作，约定日工资{agreed}元，"
                f"{emp}结算时按{paid}元/天计算，另对出勤天数有争议，{period}差额约{yuan(amount)}，多次协商未果。")
    elif project is not None:
        text = rng.choice([
            f"{who}在{site}从事{trade}工作，{period}工资共计{yuan(amount)}至今未发放，{emp}称{rng.choice(EXCUSES)}，多次讨要未果。",
            f"{emp}承建的{site}拖欠{who}{period}的工资{yuan(amount)}，项目{rng.choice(PROJECT_STATES)}，负责人电话打不通。",
            f"{who}（{trade}）在{site}务工，{period}工资{yuan(amount)}没有结清，班组长称{rng.choice(EXCUSES)}，请求帮助追讨。",
        ])
    elif trade in TRADES:
        text = rng.choice([
            f"{who}在{site}给{emp}干{trade}活，{period}的工资{yuan(amount)}一直没给，请求劳动监察部门处理。",
            f"{emp}在{place}承揽的工程拖欠{who}（{trade}）{period}工资{yuan(amount)}，活已干完，老板一直说再等等。",
        ])
    else:
        text = rng.choice([
            f"{who}在{emp}从事{trade}工作，{period}工资共计{yuan(amount)}未发放，单位以经营困难为由一直拖欠。",
            f"{emp}（{place}）拖欠{who}{period}工资{yuan(amount)}，现已离职，老板一直说再等等，至今未付。",
        ])
    fields["description"] = text
    plan.years_back = years_back
    return fields


# --- The plan of one clue ------------------------------------------------------------------------

class Timeline:
    """Steps in order, on working days in office hours, offset from the acceptance day."""

    def __init__(self, ctx, rng, plan, accepted_on):
        self.ctx, self.rng, self.plan, self.accepted_on = ctx, rng, plan, accepted_on
        self.last = plan.received_at

    def at(self, offset, action, **params):
        day = add_working_days(self.accepted_on, offset)
        when = self.ctx.office_time(self.rng, day, after=self.last)
        if self.ctx.local_date(when) == self.ctx.local_date(self.last) and when.hour >= 21:
            when = self.ctx.office_time(self.rng, add_working_days(day, 1), after=self.last)
        self.last = when
        self.plan.steps.append(Step(when, action, params))
        return when


def result_texts(rng, plan, paid, amount):
    emp = plan.fields["employer_name"]
    involved = plan.fields["workers_involved"]
    if plan.category == ClueCategory.WAGE_ARREARS:
        if paid == 0:
            return ("经调查，拖欠工资属实，用人单位负责人失联，已立案查处，涉嫌拒不支付劳动报酬罪，已移送公安机关。",
                    f"您反映的{emp}拖欠工资问题，经查属实，案件已移送公安机关依法处理，后续进展将另行告知。")
        full = amount == plan.fields["amount_claimed"] and paid == involved
        result = (f"经调查核实，{emp}拖欠{involved}名农民工工资属实，已下达《劳动保障监察限期改正指令书》，"
                  f"企业已足额支付{paid}名工人工资{yuan(amount)}。" if full else
                  f"经调取考勤和工资台账核实，实际拖欠{paid}名工人工资{yuan(amount)}（其余诉求系未结算工程量或已另行支付），"
                  f"已督促企业全部支付。")
        return result, f"您反映的{emp}拖欠工资问题已处理，{paid}名工人工资{yuan(amount)}已支付到位。如有异议，可申请劳动人事争议仲裁。"
    if plan.category == ClueCategory.PROJECT_PAYMENT:
        return (f"经协调建设单位拨付工程款，已支付{paid}名农民工工资{yuan(amount)}。",
                f"您反映的{emp}拖欠工程款导致欠薪的问题，经行业主管部门督办，{paid}名工人工资{yuan(amount)}已支付。")
    if plan.category == ClueCategory.DISPUTE:
        if paid:
            return (f"组织双方调解，对出勤天数和日工资标准达成一致，{emp}支付差额{yuan(amount)}。",
                    "经调解，双方就工资结算达成一致，差额已支付。")
        return ("属工资结算标准争议，双方各执一词，调解未成，已引导投诉人向劳动人事争议仲裁委员会申请仲裁，并告知法律援助渠道。",
                "您反映的工资结算争议不属于欠薪，已告知您申请劳动人事争议仲裁的途径，可向法律援助中心申请援助。")
    if plan.category == ClueCategory.UNFOUNDED:
        return ("经调取工资专户流水和工资支付表核实，企业已按时足额支付相关人员工资，反映问题不属实。",
                "经核查，您反映的工资已于发放日通过工资专户支付到您的银行卡，请核对。如有异议可再次反映。")
    return ("与已办理的线索反映同一欠薪事项，已在原线索中一并处理。", "您反映的问题与此前线索重复，已在原线索中处理完毕。")


def plan_result(rng, plan):
    involved, claimed = plan.fields["workers_involved"], plan.fields["amount_claimed"]
    if plan.category in (ClueCategory.UNFOUNDED, ClueCategory.DUPLICATE):
        return 0, Decimal("0")
    if plan.category == ClueCategory.DISPUTE:
        if rng.random() < 0.45:
            paid = rng.randint(1, involved)
            return paid, (claimed * Decimal(str(round(rng.uniform(0.3, 0.8), 2))) // 10 * 10) or Decimal(10)
        return 0, Decimal("0")
    if plan.category == ClueCategory.WAGE_ARREARS and rng.random() < 0.04:
        return 0, Decimal("0")
    if rng.random() < 0.65:
        return involved, claimed
    paid = max(1, involved - rng.randint(0, max(0, involved // 4)))
    return paid, max(Decimal(100), claimed * Decimal(str(round(rng.uniform(0.7, 0.98), 2))) // 10 * 10)


def plan_steps(rng, ctx, plan, accepted_on=None, accept_delay=None, force=None):
    """The steps of a clue after its receipt. `force` pins its state today: None, or
    ("in_progress"|"transferred", working days since acceptance/transfer)."""
    county = plan.region
    owner = plan.receiver or ctx.handler(county, rng, plan.channel)
    received_on = ctx.local_date(plan.received_at)
    if accepted_on is None:
        delay = accept_delay if accept_delay is not None else weighted(
            rng, {0: 30, 1: 30, 2: 16, 3: 11, 4: 8, 5: 3, 6: 1, 8: 1})
        if not is_working_day(received_on) or plan.received_at.astimezone(ctx.tz).hour >= 17:
            delay = max(delay, 1)
        accepted_on = add_working_days(received_on, delay)
    line = Timeline(ctx, rng, plan, accepted_on)
    if plan.category == ClueCategory.NOT_ACCEPTED:
        if plan.years_back:
            reason = LIMITATION_REASON.format(year=received_on.year - plan.years_back)
        else:
            reason = rng.choice(REJECT_REASONS if plan.fields.get("project") else REJECT_REASONS_NO_PROJECT)
        line.at(0, "reject", user=owner, reason=reason)
        return
    line.at(0, "accept", user=owner)
    if plan.duplicate_of is not None:
        line.at(rng.choice([0, 0, 1, 2]), "merge", user=owner,
                comment="同一投诉人就同一欠薪事项重复反映，合并至原线索办理。")
        return
    if force and force[0] == "accepted":
        return  # accepted on the last working day, not classified yet
    resolve_days = ctx.policy[county]["clue_resolve_days"]
    warn = ctx.warn_offset(county, resolve_days)
    classify = rng.choice([0, 0, 1, 1, 2, 3])
    line.at(classify, "classify", user=owner, category=plan.category)
    offset = classify

    # Hand-over (首问负责制: only by a recorded hand-over), in 秦州区 where there are several officers.
    if county == "620502" and (owner == "staff" and plan.category == ClueCategory.WAGE_ARREARS and rng.random() < 0.5
                               or rng.random() < 0.06):
        to = rng.choice([u for u in INSPECTORS_620502 if u != owner])
        offset += rng.choice([0, 1, 2])
        comment = HANDOVER_TO_INSPECTOR if owner == "staff" else rng.choice(HANDOVER_COMMENTS).format(to=ctx.users[to].full_name)
        line.at(offset, "hand_over", user=owner, to_user=to, comment=comment)
        owner = to

    if force:
        kind, elapsed = force
        if kind == "in_progress":
            return  # nothing more happens before today: the clue sits in progress
        if kind == "resolved":  # resolved in the last days, the reply to the complainant not yet written
            paid, amount = plan_result(rng, plan)
            result, plan.reply = result_texts(rng, plan, paid, amount)
            line.at(max(offset + 1, elapsed - rng.randint(1, 3)), "resolve", user=owner, workers_paid=paid,
                    amount_recovered=amount, result=result)
            return
        # transferred `elapsed` working days ago (counted back from today), no reply yet
        transfer_on = wd_before(ctx.today, elapsed)
        offset = max(offset, _wd_between(accepted_on, transfer_on))
        plan_transfer(rng, ctx, plan, line, owner, offset, reply_after=None)
        return

    # How long the handling takes (working days from acceptance to the result).
    if plan.category == ClueCategory.PROJECT_PAYMENT:
        offset += rng.choice([0, 1, 1, 2, 3])
        roll = rng.random()  # a fifth of the departments answer late: the seeds' "long transfers"
        reply_after = rng.randint(2, 6) if roll < 0.5 else rng.randint(6, 9) if roll < 0.8 else rng.randint(10, 16)
        outcome = plan_transfer(rng, ctx, plan, line, owner, offset, reply_after)
        offset += reply_after
        if outcome == "handled":
            resolved = offset
        else:
            resolved = offset + rng.randint(3, 15)
            paid, amount = plan_result(rng, plan)
            result, plan.reply = result_texts(rng, plan, paid, amount)
            line.at(resolved, "resolve", user=owner, workers_paid=paid, amount_recovered=amount, result=result)
    else:
        bucket = weighted(rng, {"quick": 28, "normal": 30, "late": 30, "extended": 8, "stuck": 4})
        if plan.category != ClueCategory.WAGE_ARREARS and bucket in ("extended", "stuck"):
            bucket = "normal"
        low, half = offset + 1, max(2, warn // 2)
        if bucket == "quick":
            resolved = max(low, rng.randint(2, half))
        elif bucket == "normal":
            resolved = max(low, rng.randint(half, max(half, warn - 1)))
        elif bucket == "late":  # in the warning period, as so often
            resolved = max(low, rng.randint(max(1, warn - 2), resolve_days))
        elif bucket == "stuck":  # past the deadline without an extension: what the seeds want visible
            resolved = max(low, rng.randint(resolve_days + 2, resolve_days + 20))
        else:
            request = max(low, rng.randint(warn - 3, resolve_days - 2))
            reason = rng.choice(EXTENSION_REASONS)
            if owner == "head":  # the office head's own clue: decided without a request
                line.at(request, "extension_approve", user="head", comment=reason)
            else:
                line.at(request, "extension_request", user=owner, reason=reason)
                line.at(request + rng.choice([0, 1, 1, 2]), "extension_approve", user="head", comment="同意延期。")
            resolved = rng.randint(resolve_days + 2, resolve_days + 28)
        paid, amount = plan_result(rng, plan)
        result, reply = result_texts(rng, plan, paid, amount)
        plan.reply = reply
        line.at(resolved, "resolve", user=owner, workers_paid=paid, amount_recovered=amount, result=result)
    closed = resolved + weighted(rng, {0: 15, 1: 30, 2: 20, 3: 15, 5: 10, rng.randint(6, 15): 10})
    line.at(closed, "close", user=owner, reply=plan.reply)
    if rng.random() < 0.3:
        satisfied = rng.random() < 0.88
        note = rng.choice(REVISIT_SATISFIED if satisfied else REVISIT_UNSATISFIED)
        line.at(closed + rng.randint(2, 10), "revisit", user=owner, satisfied=satisfied, note=note)


def _wd_between(start, end):
    n, day = 0, start
    while day < end:
        day += _days(1)
        if is_working_day(day):
            n += 1
    return n


def plan_transfer(rng, ctx, plan, line, owner, offset, reply_after):
    project = plan.fields.get("project")
    department = {"transport": "transport", "water": "water", "power": "energy", "energy": "energy"}.get(
        project.industry if project else "", "housing")
    kind_text = {"housing": "住建", "transport": "交通运输", "water": "水务", "energy": "能源"}[department]
    reason = (f"反映事项涉及{'工程款拖欠' if plan.category == ClueCategory.PROJECT_PAYMENT else '工程建设领域欠薪'}，"
              f"属{kind_text}部门行业监管范围，转请督促建设单位和施工总承包单位按合同支付工程款、结清农民工工资。")
    line.at(offset, "transfer", user=owner, department=department, reason=reason)
    if reply_after is None:
        return None
    replier = {"housing": "bureau_housing", "transport": "bureau_transport"}.get(department, owner)
    if rng.random() < 0.7:
        paid, amount = plan_result(rng, plan)
        text = (f"经{kind_text}部门约谈建设单位和施工总承包单位，督促拨付工程款，{paid}名农民工工资{yuan(amount)}已通过工资专户发放。"
                if paid else "经约谈，建设单位已制定付款计划，工资将于近期发放。")
        line.at(offset + reply_after, "transfer_reply", user=replier, outcome="handled", reply=text,
                workers_paid=paid, amount_recovered=amount)
        plan.reply = f"您反映的问题经{kind_text}部门督办，已处理完毕：{text}"
        return "handled"
    line.at(offset + reply_after, "transfer_reply", user=replier, outcome="returned",
            reply="经核查，该项目工程款已按合同节点支付，不存在拖欠工程款情形，欠薪系劳务班组内部结算问题，退回人社部门依法处理。")
    plan.reply = ""
    return "returned"


# --- The whole plan ------------------------------------------------------------------------------

def receipt_time(rng, ctx, day, channel):
    if channel in OFFICE_HOURS_CHANNELS or channel in ("hotline_12333", "window"):
        minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    else:
        minutes = rng.randint(7 * 60, 23 * 60)
    t = datetime.datetime.combine(day, datetime.time(0), tzinfo=ctx.tz) + datetime.timedelta(minutes=minutes, seconds=rng.randint(0, 59))
    if t > ctx.now - datetime.timedelta(minutes=30):
        t = ctx.now - datetime.timedelta(minutes=rng.randint(30, 300))
    return t


def new_plan(rng, ctx, day, category, county=None, channel=None, pinned=""):
    county = county or weighted(rng, {c: w for c, w in COUNTY_WEIGHTS.items() if c in ctx.counties})
    if channel in OFFICE_HOURS_CHANNELS:
        day = wd_before(day, 0)  # asked for: the last working day
    channel = channel or weighted(rng, CHANNEL_WEIGHTS)
    if channel in OFFICE_HOURS_CHANNELS and not is_working_day(day):
        channel = rng.choice(["national_platform", "hotline_12345", "online"])
    plan = Plan(received_at=receipt_time(rng, ctx, day, channel), region=county, channel=channel, category=category,
                pinned=pinned)
    if channel not in PUBLIC_CHANNELS or rng.random() < 0.3:
        plan.receiver = ctx.handler(county, rng, channel)
    plan.limitation = category == ClueCategory.NOT_ACCEPTED and rng.random() < 0.55
    plan.fields = compose(rng, ctx, plan, ctx.local_date(plan.received_at))
    return plan


def make_plan(rng, ctx, count=CLUE_COUNT):
    """All clues, in the order of receipt. Pure apart from reading `ctx`."""
    first = ctx.today - _days(364)
    days = [first + _days(i) for i in range(365)]
    weights = [MONTH_WEIGHTS[d.month] * (1.0 if is_working_day(d) else 0.35) for d in days]
    duplicates = max(3, round(count * 0.012))
    warning_pins = max(5, round(count * 0.03))
    overdue_pins = max(4, round(count * 0.012))
    fresh_pins = max(1, round(count * 0.003))
    natural = count - duplicates - warning_pins - overdue_pins - 2 * fresh_pins
    plans = []
    for i, day in enumerate(sorted(rng.choices(days, weights=weights, k=natural))):
        # The first few clues take every channel once, so that even a small demo shows them all.
        channel = list(CHANNEL_WEIGHTS)[i] if i < len(CHANNEL_WEIGHTS) else None
        plan = new_plan(rng, ctx, day, weighted(rng, CATEGORY_WEIGHTS), channel=channel)
        plan_steps(rng, ctx, plan)
        plans.append(plan)

    # Pinned: dates chosen backwards from today, so that every state shows and some clues are in the
    # warning period or overdue today, some of them the demo inspector's.
    pins = [("warning", ["in_progress", "in_progress", "transferred", "in_progress", "received"][j % 5], j)
            for j in range(warning_pins)]
    pins += [("overdue", ["in_progress", "transferred", "received", "in_progress", "in_progress"][j % 5], j)
             for j in range(overdue_pins)]
    pins += [("fresh", "accepted", j) for j in range(fresh_pins)] + [("fresh", "resolved", j) for j in range(fresh_pins)]
    for state, kind, j in pins:
        overdue = state == "overdue"
        mine = overdue and j < 3  # the demo inspector's own overdue clues
        county = "620502" if mine or j % 3 != 2 else weighted(rng, {c: w for c, w in COUNTY_WEIGHTS.items() if c in ctx.counties})
        receiver = "inspector" if mine else None
        category = ClueCategory.PROJECT_PAYMENT if kind == "transferred" else weighted(
            rng, {ClueCategory.WAGE_ARREARS: 8, ClueCategory.DISPUTE: 1})
        accept_days = ctx.policy[county]["clue_accept_days"]
        if kind == "received":
            elapsed = rng.randint(accept_days + 1, accept_days + 4) if overdue else ctx.warn_offset(county, accept_days)
            day = wd_before(ctx.today, elapsed)
            plan = new_plan(rng, ctx, day, category, county=county, channel=rng.choice(["national_platform", "hotline_12345"]),
                            pinned=state)
            plan.receiver = receiver or plan.receiver
            plans.append(plan)  # never accepted before today
            continue
        if kind == "accepted":
            accepted_on, elapsed = wd_before(ctx.today - _days(1), 0), 0  # before today: its time has passed
        elif kind == "resolved":
            elapsed = rng.randint(8, 20)
            accepted_on = wd_before(ctx.today, elapsed)
        else:
            days_ = ctx.policy[county]["clue_resolve_days" if kind == "in_progress" else "clue_transfer_reply_days"]
            warn = ctx.warn_offset(county, days_)
            elapsed = rng.randint(days_ + 2, days_ + 12) if overdue else rng.randint(warn + 1, max(warn + 1, days_ - 1))
            if kind == "in_progress":
                accepted_on = wd_before(ctx.today, elapsed)
            else:
                accepted_on = wd_before(wd_before(ctx.today, elapsed), rng.randint(6, 8))
        day = wd_before(accepted_on, rng.choice([0, 1, 1, 2, 3]))
        plan = new_plan(rng, ctx, day, category, county=county, pinned=state)
        plan.receiver = receiver or ctx.handler(county, rng, plan.channel)
        plan_steps(rng, ctx, plan, accepted_on=accepted_on, force=(kind, elapsed))
        plans.append(plan)

    # A handful of duplicates: the same person complains again through another channel, and the clue is merged.
    originals = [p for p in plans if p.category == ClueCategory.WAGE_ARREARS and not p.pinned
                 and p.received_at < ctx.now - datetime.timedelta(days=40)]
    with_project = [p for p in originals if p.fields.get("project")]
    originals = with_project if len(with_project) >= duplicates else originals
    for original in rng.sample(originals, min(duplicates, len(originals))):
        plans.append(plan_duplicate(rng, ctx, original))
    plans.sort(key=lambda p: p.received_at)
    return plans


def plan_duplicate(rng, ctx, original):
    """The same person complains again, days later, through another channel: a clue merged into
    `original` once accepted."""
    offset = rng.randint(3, 25)
    channel = rng.choice([c for c in ("hotline_12345", "national_platform", "letter_visit", "hotline_12333") if c != original.channel])
    plan = new_plan(rng, ctx, ctx.local_date(original.received_at) + _days(offset), ClueCategory.DUPLICATE,
                    county=original.region, channel=channel)
    while plan.received_at <= original.received_at:
        # An office-hours channel takes the last working day: days later across a holiday (National
        # Day) that can be the original's own day, earlier in it. The repeat comes after the original.
        offset += 1
        plan = new_plan(rng, ctx, ctx.local_date(original.received_at) + _days(offset), ClueCategory.DUPLICATE,
                        county=original.region, channel=channel)
    keep = {k: original.fields[k] for k in ("complainant_name", "complainant_phone", "complainant_id_number", "project",
                                            "employer_name", "employer_uscc", "workers_involved", "amount_claimed")}
    plan.fields.update(keep)
    plan.fields["description"] = "此前已反映过，至今未解决，再次反映：" + original.fields["description"]
    plan.duplicate_of = original
    plan.receiver = original.receiver or ctx.handler(original.region, rng, channel)
    plan_steps(rng, ctx, plan)
    return plan


# --- Writing through the services ----------------------------------------------------------------

class Clock:
    """The time `timezone.now()` answers while the seeder writes the past."""

    def __init__(self, real):
        self.real, self.value = real, None

    def __call__(self):
        return self.value if self.value is not None else self.real()


def _act(clue, step, users, written):
    p = dict(step.params)
    user = users[p.pop("user")]
    action = step.action
    if action == "accept":
        return services.clue_accept(clue=clue, user=user)
    if action == "reject":
        return services.clue_reject(clue=clue, user=user, **p)
    if action == "classify":
        return services.clue_classify(clue=clue, user=user, **p)
    if action == "hand_over":
        return services.clue_hand_over(clue=clue, user=user, to_user=users[p["to_user"]], comment=p["comment"])
    if action == "transfer":
        return services.clue_transfer(clue=clue, user=user, **p)
    if action == "transfer_reply":
        return services.clue_transfer_reply(clue=clue, user=user, **p)
    if action == "extension_request":
        return services.clue_extension_request(clue=clue, user=user, **p)
    if action == "extension_approve":
        return services.clue_extension_approve(clue=clue, user=user, **p)
    if action == "resolve":
        return services.clue_resolve(clue=clue, user=user, **p)
    if action == "close":
        return services.clue_close(clue=clue, user=user, **p)
    if action == "revisit":
        return services.clue_revisit(clue=clue, user=user, **p)
    if action == "merge":
        services.clue_merge(clue=clue, into=written[id(p.pop("into"))], user=user, **p)
        return clue
    raise ValueError(action)


def write_plans(plans, ctx):
    real_now = timezone.now
    clock = Clock(real_now)
    written = {}
    regions = Region.objects.in_bulk(list(ctx.counties))
    with mock.patch("django.utils.timezone.now", clock):
        for plan in plans:
            clock.value = min(plan.received_at + datetime.timedelta(minutes=5), ctx.now)
            clue = services.clue_receive(
                user=ctx.users[plan.receiver] if plan.receiver else None, channel=plan.channel, received_at=plan.received_at,
                region=regions[plan.region], **plan.fields,
            )
            written[id(plan)] = clue
            for step in plan.steps:
                if step.when > ctx.now:
                    break
                clock.value = step.when
                if step.action == "merge":
                    step.params["into"] = plan.duplicate_of
                clue = _act(clue, step, ctx.users, written)
    return written


def seed_clues(rng, out, count=CLUE_COUNT):
    began = time.monotonic()
    today, now = timezone.localdate(), timezone.now()
    demo = Clue.objects.filter(region__code__startswith=CITY)
    new = 0
    if not demo.exists():
        ctx = Context(today, now)
        missing = [u for u in ("inspector", "inspector2", "inspector_maiji", "staff", "head") if u not in ctx.users]
        if missing or not ctx.counties:
            out(f"clues: the core demo data is missing ({', '.join(missing) or 'counties'}); skipped")
            return
        plans = make_plan(rng, ctx, count)
        planned = time.monotonic() - began
        new = len(write_plans(plans, ctx))
        written = time.monotonic() - began - planned
    else:
        planned = written = 0.0
    raised = services.clue_deadline_notifications(today=today)
    statuses = dict(demo.values_list("status").annotate(n=Count("pk")))
    categories = dict(demo.values_list("category").annotate(n=Count("pk")))
    out(f"clues: {demo.count()} ({new} new); " + ", ".join(f"{s} {statuses.get(s, 0)}" for s in ClueStatus.values))
    out("clue categories: " + ", ".join(f"{c} {categories.get(c, 0)}" for c in ClueCategory.values)
        + f", none {categories.get(None, 0)}; merged {demo.filter(merged_into__isnull=False).count()}")
    out(f"clues today: in warning {demo.in_warning(today).count()}, overdue {demo.overdue(today).count()} "
        f"(the inspector's: {demo.overdue(today).filter(owner__username='inspector').count()}); "
        f"notifications raised {raised}")
    out("clues seeded in %.1f s (plan %.1f s, write %.1f s)" % (time.monotonic() - began, planned, written))


register_seeder(20, seed_clues)
