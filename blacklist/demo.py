"""Demo data of blacklist (credit punishment, DOMAIN.md §7): listings of serious wage-arrears
violators in every state across Tianshui's counties, most in 秦州区 (the demo inspector's county);
the quarterly publication of major violations; a push to the credit-information platform; and the
enterprises' labour-compliance ratings.

Listings are made on the demo's arrears cases whose order to pay was ignored on arrears over the
criminal threshold (complaints.case_demo). Where none fits a listing's dates (the removed and expired
listings reach back two and three years) the case is opened here, through complaints.services like
every other. Everything is planned first (from the generator, today and what is read once from the
database), then written through blacklist.services and complaints.services in date order under a
patched clock, so that events, change-log entries and document numbers carry the day they
"happened": advance notices, objections and their reviews, decisions, early removal after credit
repair with the written pledge, and the daily expiry job on the day a three-year term ran out.

Every quarter since the first qualifying case has its published batch of major violations (秦州区
publishes its own cases, the city office the other counties'); the current quarter has a draft.
Then one push of 秦州区's listings to the credit platform, and the ratings of every demo enterprise
from its record (replacing the core demo's random ones), one adjusted by the office head.

Only fictitious enterprises (the generated "天水…" names) are listed, never the real-sounding
state-owned groups of the core demo. Idempotent: if the demo city already has listings, nothing is
created (the expiry job still runs)."""
import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from complaints import services as case_services
from complaints.case_demo import DISTRICTS, EXCUSES, MEASURES, between, money
from complaints.choices import IncidentKind, PaymentSource
from complaints.demo import Clock, wd_before, yuan
from complaints.models import ArrearsCase, Clue, Incident
from inspections.choices import DocumentKind
from inspections.demo import PREFIXES
from inspections.models import DocumentPrefix
from wagecase.core.choices import ChangeSource, CreditRating, EnterpriseRole
from wagecase.core.context import change_context, current_context
from wagecase.core.demo import CITY, not_after, person_name, register_seeder
from wagecase.core.identifiers import make_id_number
from wagecase.core.models import Enterprise, Region, User
from wagecase.core.workdays import add_working_days, previous_working_day_or_same

from . import services
from .choices import Basis, BatchStatus, ListingStatus, ObjectionOutcome, PersonRole, RemovalReason, SubjectType
from .models import (
    OBJECTION_WORKING_DAYS, REPAIR_MONTHS, CreditExport, EnterpriseRating, Listing, PublicationBatch,
    PublicationEntry, add_months, add_years,
)

HOME = "620502"  # the demo inspector's county: most listings, and its own publication
USERS = ["inspector", "inspector2", "inspector_maiji", "head", "inspector_city", "inspector_city2"]
# Who proposes (and handles the case), who reviews objections, per county; the office head decides.
OFFICERS = {HOME: ("inspector", "inspector2"), "620503": ("inspector_maiji", "inspector_maiji")}
CITY_OFFICERS = ("inspector_city", "inspector_city2")
DECIDER = "head"
EXPIRY_JOB = "blacklist.expire_listings"
# Document numbers of the listing notices and decisions: 秦人社失信告〔2026〕第3号 (each county its own
# prefix: 秦州区 and 秦安县 would both default to 秦…).
PREFIX_SUFFIX = {DocumentKind.LISTING_NOTICE: "失信告", DocumentKind.LISTING_DECISION: "失信决"}

SITES = ["城区棚户区改造安置房项目", "农村公路提升改造工程", "中学教学综合楼建设项目", "乡镇污水处理厂配套管网工程",
         "商住小区二期工程", "产业园区标准化厂房项目", "易地扶贫搬迁安置点配套工程"]
DECISION_COMMENT = "经集体研究，决定列入拖欠农民工工资失信联合惩戒对象名单，期限三年，通过信用信息共享平台共享。"
OBJECTIONS = {
    "rejected": (
        "我公司拖欠工资系建设单位未按合同约定拨付工程进度款所致，公司已多方筹措资金支付部分工资，请求暂缓列入失信联合惩戒对象名单。",
        "经复核，建设单位未按约拨付工程款不免除用人单位依法支付农民工工资的责任，企业在限期支付指令规定期限内未足额支付，"
        "申辩理由不成立，不予采纳。",
    ),
    "pending": (
        "我公司已与农民工代表签订分期支付协议并支付了部分工资，剩余款项将于一个月内付清，恳请暂缓列入名单。",
        "",
    ),
    "left": (
        "本人已于{left:%Y年%m月%d日}与{ent}解除劳动关系，此后未再负责该公司的施工管理和工资发放，不应作为直接责任人员列入名单。",
        "经核查解除劳动合同证明、社会保险停保记录和项目考勤表，申辩人自{left:%Y年%m月%d日}起已不在该公司任职，"
        "不属于拖欠农民工工资的直接责任人员，申辩理由成立，不予列入。",
    ),
    "not_wages": (
        "经核算，所涉{owed}中有{part}系机械租赁费和材料款，不属于劳动报酬；扣除后实际拖欠工资数额未达到数额较大标准，请求不予列入。",
        "经复核工资支付台账、劳务结算单和机械租赁合同，申辩所称属实，扣除非工资款项后拖欠工资数额未达到列入标准，申辩理由成立，"
        "不予列入；责令企业继续清偿剩余工资。",
    ),
}
PLEDGE = ("信用承诺书：本单位拖欠的{workers}名农民工工资共计{amount}已于{cleared:%Y年%m月%d日}全部支付。本单位郑重承诺："
          "严格遵守《保障农民工工资支付条例》，按时足额支付农民工工资，落实实名制管理、工资专用账户和工资保证金制度；"
          "今后如再发生拖欠农民工工资行为，自愿接受从重惩戒。承诺单位：{ent}（盖章）；法定代表人：{lr}。")
ADJUSTMENT = ("该企业近一年在承建项目中被投诉{n}次，虽经调解均已解决、未形成欠薪案件，但实名制考勤和工资代发管理不规范，"
              "经办公室集体研究下调为B级，纳入重点监管。")
ADJUSTMENT_UNRECORDED = ("经住建部门通报，该企业承建项目实名制考勤和工资代发管理不规范，约谈后仍未完全整改，"
                         "经办公室集体研究下调为B级，纳入重点监管。")


def _days(n):
    return datetime.timedelta(days=n)


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year, quarter):
    return add_months(datetime.date(year, 3 * quarter - 2, 1), 3) - _days(1)


def fictitious(enterprise):
    """The core demo's generated names (天水+two brands+kind), not the city's real-sounding groups."""
    return enterprise.name.startswith("天水") and not enterprise.name.startswith("天水市")


# --- The plan -------------------------------------------------------------------------------------

@dataclass
class Subject:
    kind: str  # "enterprise", "legal" (legal representative) or "responsible" (directly responsible person)
    outcome: str  # ListingStatus value the listing ends in
    objection: str = ""  # a key of OBJECTIONS
    decide: bool = True  # notified ones: False (awaiting decision)


@dataclass
class Slot:
    """One case and the subjects proposed on it, all served the same day."""

    key: str
    county: str
    notified_on: datetime.date
    basis: str
    subjects: list
    own: str = ""  # "removed", "expired": the case is opened here, cleared after the decision
    case: object = None  # an existing demo case, else opened here
    enterprise: object = None
    incident: object = None  # an existing incident of the case, before the notice


@dataclass
class Timeline:
    steps: list = field(default_factory=list)

    def at(self, day, user, fn, job=""):
        """`fn(user)` at office hours of `day` as `user`; a job (`fn()`, no user) runs first, at night."""
        self.steps.append((day, 0 if job else 1, len(self.steps), user, job, fn))


class Context:
    def __init__(self, today, now):
        self.today, self.now = today, now
        self.tz = timezone.get_current_timezone()
        self.users = User.objects.in_bulk(USERS, field_name="username")
        self.regions = Region.objects.in_bulk([c for c in PREFIXES if len(c) == 6])
        self.counties = sorted(self.regions)
        self.used = set()  # enterprises listed already: one listing story each
        pool = (ArrearsCase.objects.filter(region__code__startswith=CITY, order_pay_by__isnull=False, listings__isnull=True)
                .select_related("enterprise", "project").prefetch_related("payments").order_by("order_pay_by", "pk"))
        self.pool = [c for c in pool if fictitious(c.enterprise) and c.order_ignored(today) and c.criminal_threshold_met()]
        self.incidents = {}
        for incident in Incident.objects.filter(case__in=[c.pk for c in self.pool]).order_by("occurred_at", "pk"):
            self.incidents.setdefault(incident.case_id, []).append(incident)
        self.with_cases = set(ArrearsCase.objects.values_list("enterprise_id", flat=True))
        self.first_case_day = min(ArrearsCase.objects.filter(region__code__startswith=CITY).values_list("occurred_on", flat=True),
                                  default=today)

    def officers(self, county):
        return OFFICERS.get(county, CITY_OFFICERS)

    def office_time(self, rng, day, after=None):
        t = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=self.tz) + datetime.timedelta(minutes=rng.randint(0, 480))
        if after is not None and t <= after:
            t = after + datetime.timedelta(minutes=rng.randint(3, 40))
        return not_after(t, self.now - datetime.timedelta(minutes=1), day)


def slots(rng, today):
    """What is listed, where and when; the ages are counted back from today."""
    def back(n):
        return previous_working_day_or_same(today - _days(n + rng.randint(-3, 3)))

    years3 = add_years(today, -3)
    E, L, R = "enterprise", "legal", "responsible"
    N, LI, W = ListingStatus.NOTIFIED, ListingStatus.LISTED, ListingStatus.WITHDRAWN
    return [
        # Notified: two still in the objection period (one with an objection under review), three past it.
        Slot("n1", HOME, wd_before(today, 1), Basis.THRESHOLD, [Subject(E, N, decide=False), Subject(L, N, decide=False)]),
        Slot("n2", HOME, wd_before(today, 3), Basis.INCIDENT, [Subject(E, N, "pending", decide=False)]),
        Slot("n3", HOME, wd_before(today, 9), Basis.THRESHOLD, [Subject(E, N, decide=False)]),
        Slot("n4", "620503", wd_before(today, 8), Basis.INCIDENT, [Subject(E, N, decide=False)]),
        Slot("n5", "620521", wd_before(today, 12), Basis.THRESHOLD, [Subject(E, N, decide=False)]),
        # Listed: the enterprise, its legal representative and its project manager (objection rejected) ...
        Slot("l1", HOME, back(70), Basis.THRESHOLD, [Subject(E, LI, "rejected"), Subject(L, LI), Subject(R, LI)]),
        # ... an incident case whose former manager's objection was upheld ...
        Slot("l2", HOME, back(40), Basis.INCIDENT, [Subject(E, LI), Subject(R, W, "left")]),
        Slot("l3", HOME, back(110), Basis.THRESHOLD, [Subject(E, LI)]),
        Slot("l4", "620503", back(90), Basis.THRESHOLD, [Subject(E, LI)]),
        Slot("l5", "620525", back(150), Basis.THRESHOLD, [Subject(E, LI), Subject(L, LI)]),
        # Withdrawn: part of the amount was not wages.
        Slot("w1", "620524", back(60), Basis.THRESHOLD, [Subject(E, W, "not_wages")]),
        # Removed after credit repair (cases of one and a half to two years ago, cleared after the decision).
        Slot("r1", HOME, back(600), Basis.THRESHOLD, [Subject(E, ListingStatus.REMOVED)], own="removed"),
        Slot("r2", "620522", back(450), Basis.THRESHOLD, [Subject(E, ListingStatus.REMOVED)], own="removed"),
        # Expired: decided more than three years ago.
        Slot("x1", HOME, previous_working_day_or_same(years3 - _days(rng.randint(55, 75))), Basis.THRESHOLD,
             [Subject(E, ListingStatus.EXPIRED)], own="expired"),
        Slot("x2", "620523", previous_working_day_or_same(years3 - _days(rng.randint(35, 50))), Basis.INCIDENT,
             [Subject(E, ListingStatus.EXPIRED)], own="expired"),
    ]


def pick_case(rng, ctx, slot):
    """An existing demo case of the county whose order was ignored well before the notice (with an
    incident before it, for that basis), of an enterprise not listed yet."""
    needs_legal = any(s.kind == "legal" for s in slot.subjects)
    fits = [c for c in ctx.pool if c.region_id == slot.county and c.enterprise_id not in ctx.used
            and c.order_pay_by <= slot.notified_on - _days(5) and c.occurred_on < slot.notified_on - _days(20)
            and (not needs_legal or (c.enterprise.legal_representative and c.enterprise.legal_representative_id_number))]
    if slot.basis == Basis.INCIDENT:
        linked = [c for c in fits if any(timezone.localtime(i.occurred_at, ctx.tz).date() < slot.notified_on
                                         for i in ctx.incidents.get(c.pk, []))]
        fits = linked or fits
    fits = [c for c in fits if c.workers_owed >= 8] or fits
    if not fits:
        return None
    case = rng.choice(fits)
    ctx.pool.remove(case)
    return case


def pick_enterprise(rng, ctx, county):
    """An enterprise of the county for a case opened here: fictitious, no case of its own yet."""
    candidates = [e for e in Enterprise.objects.filter(region__code__startswith=county).exclude(legal_representative_id_number="")
                  .order_by("name") if fictitious(e) and e.pk not in ctx.with_cases and e.pk not in ctx.used]
    preferred = [e for e in candidates if {EnterpriseRole.LABOUR_SERVICE, EnterpriseRole.SUBCONTRACTOR} & set(e.roles)]
    candidates = preferred or candidates
    return rng.choice(candidates) if candidates else None


class Writer:
    """Plans the steps of each slot onto the timeline; the closures read and fill `state`."""

    def __init__(self, rng, ctx, timeline):
        self.rng, self.ctx, self.tl = rng, ctx, timeline
        self.state = {}

    # Cases opened here -----------------------------------------------------------------------

    def own_case(self, slot, user):
        rng, ctx = self.rng, self.ctx
        county_name = ctx.regions[slot.county].name
        pay_by = previous_working_day_or_same(slot.notified_on - _days(rng.randint(8, 20)))
        issued = wd_before(pay_by, 10)
        opened = previous_working_day_or_same(issued - _days(rng.randint(3, 8)))
        occurred = opened - _days(rng.randint(5, 25))
        workers = rng.randint(12, 36)
        amount = money(Decimal(rng.randint(6000, 15000)) * workers / 100) * 100
        enterprise = slot.enterprise
        title = "副区长" if slot.county in DISTRICTS else "副县长"
        site = rng.choice(SITES)
        fields = {
            "region": ctx.regions[slot.county], "occurred_on": occurred, "workers_owed": workers, "amount_owed": amount,
            "government_type": False,
            "description": (f"{enterprise.name}在{county_name}{site}劳务分包中拖欠{workers}名农民工{occurred.year}年{occurred.month}月"
                            f"前后工资{yuan(amount)}，多次约谈仍未支付，企业称{rng.choice(EXCUSES)}。"),
            "responsible_unit": f"{county_name}人力资源和社会保障局",
            "responsible_leader": f"{person_name(rng)}（{title}）",
            "responsible_person": f"{person_name(rng)}（劳动保障监察大队队长）",
            "measures": "".join(f"{i}.{MEASURES[k].format(ent=enterprise.name)}"
                                for i, k in enumerate(["account", "talk", "credit"], start=1)),
            "deadline": opened + _days(30),
        }
        key = slot.key

        def open_case(u):
            self.state[key] = case_services.case_open(user=u, enterprise=enterprise, **fields)

        self.tl.at(opened, user, open_case)
        self.tl.at(issued, user, lambda u: case_services.case_order(case=self.state[key], user=u, issued_on=issued, pay_by=pay_by))
        paid, workers_paid = Decimal("0"), 0
        if rng.random() < 0.7:  # a first instalment within the order's term, far too little
            paid = money(amount * Decimal(str(round(rng.uniform(0.1, 0.25), 2))) / 100) * 100
            workers_paid = max(1, int(workers * paid / amount))
            self.pay(key, between(rng, issued, pay_by), user, paid, workers_paid)
        if slot.basis == Basis.INCIDENT:
            self.incident(slot, user, between(rng, pay_by + _days(1), slot.notified_on - _days(2)), workers)
        return {"amount": amount, "paid": paid, "workers": workers, "workers_paid": workers_paid, "pay_by": pay_by}

    def pay(self, key, day, user, amount, workers, source=PaymentSource.ENTERPRISE):
        self.tl.at(day, user, lambda u: case_services.case_payment_add(case=self.state[key], user=u, amount=amount, paid_on=day,
                                                                       source=source, workers=workers))

    def clear_later(self, slot, user, figures, start, cleared_on):
        """The rest paid after the decision, in one or two instalments, the last on `cleared_on`."""
        rest = figures["amount"] - figures["paid"]
        workers_left = figures["workers"] - figures["workers_paid"]
        if rest > 2000 and self.rng.random() < 0.6:
            part = money(rest * Decimal("0.5") / 100) * 100
            workers = workers_left // 2
            self.pay(slot.key, between(self.rng, start, cleared_on - _days(10)), user, part, workers)
            rest, workers_left = rest - part, workers_left - workers
        self.pay(slot.key, cleared_on, user, rest, workers_left)

    def incident(self, slot, user, day, workers):
        """A collective petition over the ignored order (complaints.services.incident_report)."""
        rng, county_name = self.rng, self.ctx.regions[slot.county].name
        people = max(5, min(workers, rng.randint(8, 30)))
        place = rng.choice([f"{county_name}人民政府门前", f"{county_name}人力资源和社会保障局信访接待大厅"])
        key = slot.key

        def report(u):
            case = self.state[key] if slot.case is None else slot.case
            now = timezone.now()
            self.state[f"{key}:incident"] = case_services.incident_report(
                user=u, kind=IncidentKind.COLLECTIVE_PETITION, occurred_at=now - datetime.timedelta(minutes=45),
                reported_at=now - datetime.timedelta(minutes=37), region=case.region, project=case.project, case=case,
                people_involved=people, place=place,
                description=f"{people}名农民工聚集到{place}，反映{case.enterprise.name}逾期仍未支付拖欠的工资，要求政府出面协调。",
                cause=f"{case.enterprise.name}未按限期支付指令支付工资，工人多次讨要未果。",
                measures="属地街道、人社、公安部门赶赴现场疏导劝返，监察大队当场核实欠薪人数和金额，约谈企业负责人。")

        self.tl.at(day, user, report)

    # Listings ------------------------------------------------------------------------------------

    def listings(self, slot):
        rng, ctx, today = self.rng, self.ctx, self.ctx.today
        proposer, reviewer = ctx.officers(slot.county)
        figures = self.own_case(slot, proposer) if slot.case is None else None
        if slot.case is not None and slot.basis == Basis.INCIDENT and slot.incident is None:
            first = max(slot.case.order_pay_by, slot.case.occurred_on) + _days(1)
            self.incident(slot, proposer, between(rng, first, slot.notified_on - _days(2)), slot.case.workers_owed)
        enterprise = slot.enterprise
        notified = slot.notified_on
        due = add_working_days(notified, OBJECTION_WORKING_DAYS)
        decided_after = due
        responsible = person_name(rng)
        while responsible == enterprise.legal_representative:
            responsible = person_name(rng)
        responsible_id = make_id_number(rng, rng.choice(ctx.counties))
        left = (slot.case.occurred_on if slot.case is not None else notified - _days(60)) - _days(rng.randint(20, 60))
        owed = slot.case.amount_owed if slot.case is not None else figures["amount"]
        plans = []
        for i, subject in enumerate(slot.subjects):
            key = f"{slot.key}:{i}"
            self.tl.at(notified, proposer, self.propose(slot, subject, key, responsible, responsible_id))
            if subject.objection:
                text, review = OBJECTIONS[subject.objection]
                text = text.format(left=left, ent=enterprise.name, owed=yuan(owed),
                                   part=yuan(money(owed * Decimal("0.4") / 100) * 100))
                review = review.format(left=left)
                # Received by yesterday at the latest (the seeder may run before office hours).
                received = max(notified, min(add_working_days(notified, rng.randint(1, 3)), due, wd_before(today, 1)))
                self.tl.at(received, proposer, self.object(key, text, received))
                if subject.objection != "pending":
                    reviewed = min(add_working_days(received, rng.randint(2, 4)), today)
                    outcome = ObjectionOutcome.UPHELD if subject.outcome == ListingStatus.WITHDRAWN else ObjectionOutcome.REJECTED
                    self.tl.at(reviewed, reviewer, self.review(key, outcome, review))
                    if outcome == ObjectionOutcome.REJECTED:
                        decided_after = max(decided_after, reviewed)
            plans.append((key, subject))
        decided = add_working_days(decided_after, rng.randint(1, 3))
        for key, subject in plans:
            if subject.outcome in (ListingStatus.NOTIFIED, ListingStatus.WITHDRAWN) or not subject.decide or decided >= today:
                continue
            self.tl.at(decided, DECIDER, lambda u, key=key, decided=decided: services.listing_decide(
                listing=self.state[key], user=u, decided_on=decided, comment=DECISION_COMMENT))
            if subject.outcome == ListingStatus.EXPIRED:
                expires = add_years(decided, 3)
                self.tl.at(expires, None, lambda day=expires: services.listings_expire(today=day, job=EXPIRY_JOB), job=EXPIRY_JOB)
        if slot.own == "removed":
            cleared = decided + _days(rng.randint(45, 120))
            self.clear_later(slot, proposer, figures, decided + _days(5), cleared)
            removed = add_working_days(add_months(cleared, REPAIR_MONTHS), rng.randint(3, 20))
            pledge = PLEDGE.format(workers=figures["workers"], amount=yuan(figures["amount"]), cleared=cleared, ent=enterprise.name,
                                   lr=enterprise.legal_representative)
            if removed < today:
                self.tl.at(removed, proposer, lambda u, key=plans[0][0]: services.listing_remove(
                    listing=self.state[key], user=u, reason=RemovalReason.CREDIT_REPAIR, pledge=pledge, removed_on=removed))
        elif slot.own == "expired":
            # Paid at last under the court's enforcement, but no credit repair was applied for: the term ran out.
            cleared = decided + _days(rng.randint(150, 300))
            self.clear_later(slot, proposer, figures, decided + _days(20), cleared)

    def propose(self, slot, subject, key, responsible, responsible_id):
        enterprise = slot.enterprise

        def run(u):
            case = self.state[slot.key] if slot.case is None else slot.case
            incident = slot.incident or self.state.get(f"{slot.key}:incident") if slot.basis == Basis.INCIDENT else None
            facts = services.case_facts(case)
            if incident is not None:
                local = timezone.localtime(incident.occurred_at)
                facts = facts[:-1] + f"，{local:%Y年%m月%d日}引发{incident.people_involved}名农民工{incident.get_kind_display()}事件。"
            person = {}
            if subject.kind == "legal":
                person = {"name": enterprise.legal_representative, "id_number": enterprise.legal_representative_id_number,
                          "person_role": PersonRole.LEGAL_REPRESENTATIVE}
            elif subject.kind == "responsible":
                person = {"name": responsible, "id_number": responsible_id, "person_role": PersonRole.RESPONSIBLE}
                facts = f"{responsible}系{enterprise.name}项目负责人，负责农民工考勤和工资发放，对拖欠负有直接责任。" + facts
            self.state[key] = services.listing_propose(
                case=case, user=u, subject_type=SubjectType.PERSON if person else SubjectType.ENTERPRISE, basis=slot.basis,
                incident=incident, facts=facts, notified_on=timezone.localdate(), **person)

        return run

    def object(self, key, text, received):
        def run(u):
            self.state[f"{key}:objection"] = services.listing_object(listing=self.state[key], user=u, text=text, received_on=received)
        return run

    def review(self, key, outcome, review):
        return lambda u: services.objection_review(objection=self.state[f"{key}:objection"], user=u, outcome=outcome, review=review)

    # Publication of major violations ---------------------------------------------------------------

    def batches(self, first_day):
        """Every quarter from the first qualifying case's to the last: 秦州区's batch and the city's (the
        other counties), each prepared, reviewed, approved by the office head and published in the
        following weeks; the current quarter's county batch as a draft."""
        rng, today = self.rng, self.ctx.today
        current = quarter_of(today)
        year, quarter = quarter_of(first_day)
        while (year, quarter) < current:
            end = quarter_end(year, quarter)
            created = min(add_working_days(end, rng.randint(4, 8)), today)
            reviewed = min(add_working_days(created, rng.randint(1, 3)), today)
            approved = min(add_working_days(reviewed, rng.randint(1, 2)), today)
            published = min(add_working_days(approved, 1), today)
            for office, (clerk, reviewer) in ((HOME, OFFICERS[HOME]), (CITY, CITY_OFFICERS)):
                key = ("batch", office, year, quarter)
                self.tl.at(created, clerk, self.batch_create(key))
                self.tl.at(reviewed, reviewer, self.batch_step(key, services.batch_review))
                self.tl.at(approved, DECIDER, self.batch_step(key, services.batch_approve))
                self.tl.at(published, clerk, self.batch_step(key, services.batch_publish))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        self.tl.at(today, OFFICERS[HOME][0], self.batch_create(("batch", HOME, *current), always=True))

    def batch_create(self, key, always=False):
        _b, office, year, quarter = key

        def run(u):
            if always or services.publication_candidates(region_code=office, year=year, quarter=quarter, user=u):
                self.state[key] = services.batch_create(user=u, region=Region.objects.get(pk=office), year=year, quarter=quarter)
        return run

    def batch_step(self, key, service):
        def run(u):
            if key in self.state:
                self.state[key] = service(batch=self.state[key], user=u)
        return run


def ensure_prefixes():
    regions = Region.objects.in_bulk(list(PREFIXES))
    for code, stem in PREFIXES.items():
        for kind, suffix in PREFIX_SUFFIX.items():
            if code in regions and not DocumentPrefix.objects.filter(region_id=code, kind=kind).exists():
                prefix = DocumentPrefix(region=regions[code], kind=kind, prefix=stem.removesuffix("监") + suffix)
                prefix.full_clean()
                prefix.save()


def plan(rng, ctx):
    timeline = Timeline()
    writer = Writer(rng, ctx, timeline)
    planned = slots(rng, ctx.today)
    first_day = ctx.first_case_day
    for slot in sorted(planned, key=lambda s: s.notified_on):  # the oldest notices take the oldest cases
        if not slot.own:
            slot.case = pick_case(rng, ctx, slot)
        if slot.case is not None:
            slot.enterprise = slot.case.enterprise
            if slot.basis == Basis.INCIDENT:
                slot.incident = next((i for i in ctx.incidents.get(slot.case.pk, [])
                                      if timezone.localtime(i.occurred_at, ctx.tz).date() < slot.notified_on), None)
        else:
            slot.enterprise = pick_enterprise(rng, ctx, slot.county)
            if slot.enterprise is None:
                continue
        ctx.used.add(slot.enterprise.pk)
        writer.listings(slot)
        first_day = min(first_day, slot.notified_on - _days(60))
    writer.batches(first_day)
    return timeline, writer


def write(timeline, ctx, rng, out):
    """Run the steps in date order; a step that fails (or depends on one that did) is reported and skipped."""
    clock = Clock(timezone.now)
    outer = current_context()
    last = None
    failed = []
    with mock.patch("django.utils.timezone.now", clock):
        for day, _phase, _seq, username, job, fn in sorted(timeline.steps, key=lambda s: s[:3]):
            try:
                if job:
                    clock.value = last = not_after(datetime.datetime.combine(day, datetime.time(0, 20), tzinfo=ctx.tz),
                                                   ctx.now - datetime.timedelta(minutes=1), day)
                    with change_context(source=ChangeSource.TASK, label=job):
                        fn()
                    continue
                clock.value = last = ctx.office_time(rng, day, after=last)
                user = ctx.users[username]
                with change_context(source=outer.source, user=user, label=outer.label):
                    fn(user)
            except (ValidationError, KeyError) as error:
                failed.append(f"{day} {getattr(fn, '__qualname__', fn)}: {error}")
    for line in failed:
        out(f"listings: step skipped: {line}")
    return len(timeline.steps) - len(failed)


def finish(ctx):
    """Today, with the real clock: expiry, the effects of the listings, the credit-platform push of
    秦州区, every demo enterprise's rating and one adjustment by the office head."""
    outer = current_context()
    with change_context(source=ChangeSource.TASK, label=EXPIRY_JOB):
        services.listings_expire(today=ctx.today)
    demo = Listing.objects.filter(region__code__startswith=CITY)
    for enterprise in Enterprise.objects.filter(pk__in=demo.values("enterprise_id")).order_by("pk"):
        services.refresh_enterprise_effects(enterprise)
    inspector, head = ctx.users["inspector"], ctx.users[DECIDER]
    with change_context(source=outer.source, user=inspector, label=outer.label):
        try:
            services.credit_export_create(user=inspector)
        except services.ListingConflict:
            pass  # nothing new to send
    with change_context(source=ChangeSource.TASK, label="blacklist.recompute_ratings"):
        for enterprise in Enterprise.objects.filter(region__code__startswith=CITY, rating__isnull=True).order_by("pk"):
            services.rating_compute(enterprise=enterprise, today=ctx.today)
        services.ratings_recompute(today=ctx.today)
    # The office head downgrades the home county's most complained-about enterprise rated A.
    rated_a = list(EnterpriseRating.objects.filter(computed=CreditRating.A, adjusted="", enterprise__region__code__startswith=HOME)
                   .exclude(enterprise_id__in=ctx.used).select_related("enterprise").order_by("enterprise__name"))
    complaints = dict(Clue.objects.filter(employer__in=[r.enterprise_id for r in rated_a], received_at__gte=ctx.now - _days(365))
                      .values_list("employer").annotate(n=Count("pk")))
    rated_a = [r for r in rated_a if fictitious(r.enterprise)]
    if rated_a:
        rating = max(rated_a, key=lambda r: complaints.get(r.enterprise_id, 0))
        n = complaints.get(rating.enterprise_id, 0)
        with change_context(source=outer.source, user=head, label=outer.label):
            services.rating_adjust(enterprise=rating.enterprise, user=head, rating=CreditRating.B,
                                   reason=ADJUSTMENT.format(n=n) if n >= 2 else ADJUSTMENT_UNRECORDED)


def seed_blacklist(rng, out):
    began = time.monotonic()
    today, now = timezone.localdate(), timezone.now()
    ensure_prefixes()
    demo = Listing.objects.filter(region__code__startswith=CITY)
    new = 0
    if not demo.exists():
        ctx = Context(today, now)
        missing = [u for u in USERS if u not in ctx.users]
        if missing or not ctx.regions:
            out(f"listings: the core demo data is missing ({', '.join(missing) or 'regions'}); skipped")
            return
        timeline, _writer = plan(rng, ctx)
        write(timeline, ctx, rng, out)
        new = demo.count()
        finish(ctx)
    else:
        with change_context(source=ChangeSource.TASK, label=EXPIRY_JOB):
            services.listings_expire(today=today)
    statuses = dict(demo.values_list("status").annotate(n=Count("pk")))
    notified = demo.filter(status=ListingStatus.NOTIFIED)
    out(f"listings: {demo.count()} ({new} new); " + ", ".join(f"{s} {statuses.get(s, 0)}" for s in ListingStatus.values)
        + f"; in force {demo.in_force(today).count()}, in the objection period {notified.filter(objection_due__gte=today).count()}, "
        f"objection under review {notified.filter(objections__outcome=ObjectionOutcome.PENDING).count()}; "
        f"persons {demo.filter(subject_type=SubjectType.PERSON).count()}, on an incident {demo.filter(basis=Basis.INCIDENT).count()}; "
        f"counties {demo.values('region').distinct().count()}")
    batches = PublicationBatch.objects.filter(region__code__startswith=CITY)
    published = batches.filter(status=BatchStatus.PUBLISHED)
    out(f"publication batches: {batches.count()} (published {published.count()}, draft {batches.filter(status=BatchStatus.DRAFT).count()}), "
        f"entries {PublicationEntry.objects.filter(batch__in=batches).count()}")
    exports = CreditExport.objects.filter(region__code__startswith=CITY)
    out(f"credit exports: {exports.count()} ({sum(exports.values_list('entry_count', flat=True))} entries)")
    ratings = EnterpriseRating.objects.filter(enterprise__region__code__startswith=CITY)
    counts = {}
    for rating in ratings.only("computed", "adjusted"):
        counts[rating.rating] = counts.get(rating.rating, 0) + 1
    out("ratings: " + ", ".join(f"{r} {counts.get(r, 0)}" for r in CreditRating.values)
        + f"; adjusted by the office head {ratings.exclude(adjusted='').count()}")
    out("listings seeded in %.1f s" % (time.monotonic() - began))


# After the cases (25) and inspections (30): the listings build on their orders, incidents and findings.
register_seeder(40, seed_blacklist)
