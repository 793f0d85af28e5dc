"""Audit completeness (issue 11, item 6): every service action leaves its trace.

The public functions of every `*/services.py` module are enumerated, so a new service function is
noticed: each must be either exercised here (ACTIONS: how to run it on fixture data) or listed in
NOT_A_CHANGE with the reason it writes nothing to audit. Each action is run in the change context its
callers open (a user's request, or a task naming its job) and must leave:
- change-log entries (ObjectChange), every one with user = the acting user, or for a job no user and
  source_label = the job's name;
- for the records with a timeline (clue events, case events, listing events): an event for each such
  record the action changed, and every new timeline event naming the actor (its user, or the job);
  actions declared with `timeline=` (a note, a re-inspection in the order's history) must add one.
Actions whose own record is the audit trail (a note, a journal entry, a job, a credit export) say so
with `changelog=False` and why."""
import datetime as dt
import inspect
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blacklist.models import EnterpriseRating, Listing, ListingEvent
from complaints.models import ArrearsCase, CaseEvent, Clue, ClueEvent
from inspections.models import Reinspection
from tests.complaints.conftest import FIVE_HAVES, at
from tests.conftest import HOME
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.choices import ChangeSource, Role
from wagecase.core.context import change_context
from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.models import JournalEntry, ObjectChange, Region

SERVICE_MODULES = [
    "complaints.services", "inspections.services", "blacklist.services", "projects.services",
    "wagecase.core.services", "wagecase.integrations.services", "wagecase.reports.services",
]
# Records with a timeline of their own: (event model, its foreign key to the record).
TIMELINES = {Clue: (ClueEvent, "clue"), ArrearsCase: (CaseEvent, "case"), Listing: (ListingEvent, "listing")}
TIMELINE_EVENTS = [ClueEvent, CaseEvent, ListingEvent, Reinspection]
_n = itertools.count(1)


def today():
    return timezone.localdate()


def ago(days):
    return today() - dt.timedelta(days=days)


def last_month():
    return (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


# --- The world the actions run in, built through the services -------------------------------------

class World:
    def __init__(self, make_user, make_enterprise, make_project, make_department, rng):
        self.rng, self.make_project, self.make_enterprise = rng, make_project, make_enterprise
        self.make_department = make_department
        self.users = {
            "inspector": make_user(Role.INSPECTOR, HOME),
            "inspector2": make_user(Role.INSPECTOR, HOME),
            "staff": make_user(Role.OFFICE_STAFF, HOME),
            "head": make_user(Role.OFFICE_HEAD, HOME),
            "admin": make_user(Role.ADMIN, "6205"),
            "locality": make_user(Role.OFFICE_HEAD, HOME, signs_for="locality"),
            "department": make_user(Role.OFFICE_HEAD, HOME, signs_for="department"),
        }
        self.home = Region.objects.get(pk=HOME)

    @property
    def officer(self):
        return self.users["inspector"]

    # complaints
    def clue(self, state="received"):
        from complaints import services as s

        clue = s.clue_receive(user=self.officer, channel="hotline_12333", received_at=at(ago(3)), region=self.home,
                              complainant_name="王小明", complainant_phone=f"139{next(_n):08d}",
                              employer_name=f"甘肃测试劳务有限公司{next(_n)}", workers_involved=3,
                              amount_claimed=Decimal("18600.00"), description="工资未发放。")
        steps = [("accepted", lambda c: s.clue_accept(clue=c, user=self.officer)),
                 ("in_progress", lambda c: s.clue_classify(clue=c, user=self.officer, category="wage_arrears")),
                 ("resolved", lambda c: s.clue_resolve(clue=c, user=self.officer, workers_paid=3,
                                                       amount_recovered=Decimal("18600.00"), result="已全部支付。")),
                 ("closed", lambda c: s.clue_close(clue=c, user=self.officer, reply="已答复。"))]
        for name, step in steps:
            if state == "received":
                break
            clue = step(clue)
            if name == state:
                break
        return clue

    def transferred_clue(self):
        from complaints import services as s

        self.make_department(kind="housing", region="6205", name=f"天水市住房和城乡建设局{next(_n)}")
        return s.clue_transfer(clue=self.clue("accepted"), user=self.officer, department="housing", reason="涉及工程款。")

    def case(self, amount="96000.00", workers=12, ordered=False, project=None, **fields):
        from complaints import services as s

        project = project or self.make_project()
        case = s.case_open(user=self.officer, enterprise=project.general_contractor, project=project,
                           occurred_on=fields.pop("occurred_on", ago(200)), workers_owed=workers,
                           amount_owed=Decimal(amount), **FIVE_HAVES, **fields)
        if ordered:
            s.case_order(case=case, user=self.officer, issued_on=ordered[0], pay_by=ordered[1])
            case.refresh_from_db()
        return case

    def listable_case(self, **fields):
        return self.case(ordered=(ago(150), ago(120)), **fields)

    # inspections
    def inspection(self, failed=True, **fields):
        from inspections import services as s
        from inspections.choices import ChecklistItem

        checklist = {item: "pass" for item in ChecklistItem.values}
        if failed:
            checklist["wage_deposit"] = "fail"
        return s.inspection_record(user=self.officer, project=fields.pop("project", None) or self.make_project(),
                                   inspected_on=fields.pop("inspected_on", ago(3)), method="routine",
                                   inspectors=[self.officer, self.users["inspector2"]], checklist=checklist,
                                   findings="现场检查。", **fields)

    def overdue_order(self):
        return self.inspection(inspected_on=ago(60), rectify_by=ago(30)).order

    def escalated_order(self):
        from inspections import services as s

        return s.order_reinspect(order=self.overdue_order(), user=self.officer, reinspected_on=ago(20), rectified=False)

    def campaign(self):
        from inspections import services as s
        from inspections.models import Campaign

        return s.campaign_save(campaign=Campaign(region_id=HOME, name="冬季专项行动", kind="winter", starts_on=ago(30),
                                                 ends_on=ago(-60)))

    def draw(self):
        from inspections import services as s

        return s.draw_make(campaign=self.campaign(), user=self.officer, region=self.home, count=1,
                           projects=[self.make_project()], inspectors=s.inspector_pool_for(HOME))

    # blacklist
    def listing(self, state="notified", notified_on=None, case=None):
        from blacklist import services as s

        listing = s.listing_propose(case=case or self.listable_case(), user=self.officer, subject_type="enterprise",
                                    basis="threshold", notified_on=notified_on or ago(21))
        if state == "listed":
            listing = s.listing_decide(listing=listing, user=self.officer)
        return listing

    def batch(self, state="draft", with_entry=False):
        from blacklist import services as s

        quarter = (today().month - 1) // 3 + 1
        batch = s.batch_create(user=self.officer, region=self.home, year=today().year, quarter=quarter)
        entry = s.batch_entry_add(batch=batch, case=self.listable_case(), user=self.officer) if with_entry else None
        if state in ("reviewed", "approved"):
            batch = s.batch_review(batch=batch, user=self.officer)
        if state == "approved":
            batch = s.batch_approve(batch=batch, user=self.users["head"])
        return batch, entry

    # projects
    def worker_on(self, project):
        from projects import services as s

        id_number = make_id_number(self.rng, HOME)
        s.worker_register(project=project, id_number=id_number, name=f"工人{next(_n)}", contract_signed_on=ago(101),
                          entered_on=ago(100))
        return id_number

    def completed_project(self):
        from projects import services as s

        project = self.make_project(status="completed", completed_on=ago(60))
        s.account_set(project=project, bank_name="甘肃银行", account_number="62300012345", opened_on=ago(300))
        s.deposit_set(project=project, form="cash", amount=Decimal("240000"), deposited_on=ago(290))
        return project

    # reports
    def report(self, state="pending"):
        from wagecase.reports import services as s

        monday = today() - dt.timedelta(days=today().weekday() + 7 * next(_n))
        report, _queued = s.report_request(kind="weekly", region=self.home, period_start=monday, user=self.officer)
        if state in ("done", "signed"):
            report = s.report_generate(report_id=report.pk)
        if state == "signed":
            for key in ("locality", "department"):
                s.report_sign(report=report, user=self.users[key])
        return report

    def api_client(self):
        from wagecase.integrations.services import create_api_client

        return create_api_client(f"client-{next(_n)}", ["housing"], "6205")[0]


@pytest.fixture
def world(make_user, make_enterprise, make_project, make_department, rng):
    return World(make_user, make_enterprise, make_project, make_department, rng)


# --- The table: service function → how to run it ------------------------------------------------

@dataclass
class Action:
    prepare: Callable  # world → a callable with no arguments that performs the action
    actor: str = "inspector"  # who acts (a key of World.users); ignored for a job
    job: str = ""  # prepare() runs the service through its Celery task, whose change context has this label
    changelog: bool = True  # must write change records; False says why in `why`
    timeline: type = None  # an event model that must get a new event naming the actor
    own_context: bool = False  # the service opens its change context itself (job_run)
    why: str = ""


def C(name):
    return getattr(import_module("complaints.services"), name)


def I(name):  # noqa: E743
    return getattr(import_module("inspections.services"), name)


def B(name):
    return getattr(import_module("blacklist.services"), name)


def P(name):
    return getattr(import_module("projects.services"), name)


def call(func, **kwargs):
    return lambda: func(**kwargs)


def task(module, name, *args):
    """Run the Celery task (in-process), as the worker would: the task opens the change context naming itself."""
    return lambda: getattr(import_module(module), name).apply(args=args, throw=True)


def _prepare_order_issue(w):
    from inspections.models import Inspection

    inspection = w.inspection(failed=False)
    Inspection._base_manager.filter(pk=inspection.pk).update(checklist={**inspection.checklist, "wage_deposit": "fail"})
    inspection.refresh_from_db()
    return call(I("order_issue"), inspection=inspection, user=w.officer)


def _prepare_listing_remove(w):
    from complaints import services as s

    case = w.case(occurred_on=ago(420), ordered=(ago(400), ago(380)))
    listing = B("listing_propose")(case=case, user=w.officer, subject_type="enterprise", basis="threshold",
                                   notified_on=ago(300))
    listing = B("listing_decide")(listing=listing, user=w.officer, decided_on=ago(280))
    s.case_payment_add(case=case, user=w.officer, amount=case.amount_owed, paid_on=ago(250), source="enterprise", workers=12)
    return call(B("listing_remove"), listing=listing, user=w.officer, reason="credit_repair", pledge="本单位承诺依法按时足额支付工资。")


def _prepare_listings_expire(w):
    listing = w.listing("listed")
    Listing.objects.filter(pk=listing.pk).update(expires_on=ago(1))
    return task("blacklist.tasks", "expire_listings")


def _prepare_ratings_recompute(w):
    w.case()
    EnterpriseRating.objects.all().delete()
    return task("blacklist.tasks", "recompute_ratings")


def _prepare_project_refresh(w):
    from projects.models import Project

    project = w.make_project()
    Project._base_manager.filter(pk=project.pk).update(compliance_score=1)  # stale, and not logged
    return call(P("project_refresh"), project=project)


def _prepare_project_save(w):
    from projects.models import Project

    project = Project(region_id=HOME, code=f"AUDIT-{next(_n)}", name="审计项目", investment_type="social", industry="housing",
                      contract_amount=Decimal("12000000.00"), contract_signed_on=ago(300), start_date=ago(290),
                      planned_end_date=ago(-300), status="in_progress",
                      builder=w.make_enterprise(roles=["builder"]), general_contractor=w.make_enterprise())
    return call(P("project_save"), project=project)


def _prepare_roster_many(w):
    entry = {"id_number": make_id_number(w.rng, HOME), "name": "张三", "phone": "", "trade": "钢筋工", "employer": None,
             "team": None, "contract_signed_on": ago(20), "entered_on": ago(19), "exited_on": None, "daily_wage": None}
    return call(P("roster_register_many"), project=w.make_project(), entries=[entry])


def _prepare_payroll(w):
    project = w.make_project()
    id_number = w.worker_on(project)
    return call(P("payroll_upsert"), project=project, period=last_month(), paid_on=ago(1), paid_via="contractor_bank",
                lines=[{"id_number": id_number, "amount_due": "5000", "amount_paid": "5000"}])


def _prepare_drawdown(w):
    project = w.make_project()
    P("deposit_set")(project=project, form="cash", amount=Decimal("240000"), deposited_on=ago(100))
    return call(P("deposit_drawdown"), project=project, amount=Decimal("1000"), drawn_on=ago(5), reason="垫付工资")


def _prepare_topped_up(w):
    project = w.make_project()
    P("deposit_set")(project=project, form="cash", amount=Decimal("240000"), deposited_on=ago(100))
    drawdown = P("deposit_drawdown")(project=project, amount=Decimal("1000"), drawn_on=ago(5), reason="垫付工资")
    return call(P("deposit_topped_up"), drawdown=drawdown, topped_up_on=ago(1))


def _prepare_subcontractor_remove(w):
    project = w.make_project()
    row = P("subcontractor_add")(project=project, enterprise=w.make_enterprise(roles=["subcontractor"]))
    return call(P("subcontractor_remove"), subcontractor=row)


def _prepare_attendance(w):
    project = w.make_project()
    return call(P("attendance_record"), project=project, period=last_month(), days_by_id_number={w.worker_on(project): 20})


def _prepare_deposit_return(w):
    project = w.completed_project()
    P("deposit_return_notice")(project=project, notice_on=ago(40))
    return call(P("deposit_return"), project=project, returned_on=today())


def _prepare_job_run(w):
    from wagecase.core import services as core
    from wagecase.core.models import Enterprise, Job

    def handler(job, progress):
        enterprise = Enterprise.objects.get(pk=job.params["enterprise"])
        enterprise.contact_phone = "13800000000"
        enterprise.save()
        return {"rows": 1}

    core.JOB_HANDLERS["audit-test"] = handler
    job = Job.objects.create(kind="audit-test", user=w.officer, title="t", params={"enterprise": w.make_enterprise().pk})
    return call(core.job_run, job_id=job.pk)


def _prepare_job_enqueue(w):
    from wagecase.core import services as core

    core.JOB_HANDLERS.setdefault("audit-test", lambda job, progress: {})
    return call(core.job_enqueue, kind="audit-test", user=w.officer, title="t")


def _report(name):
    return getattr(import_module("wagecase.reports.services"), name)


def _integration(name):
    return getattr(import_module("wagecase.integrations.services"), name)


def _prepare_rotate(w):
    token, _key = _integration("token_create")(client=w.api_client(), name="second")
    return call(_integration("token_rotate"), token=token)


A = Action
ACTIONS = {
    # --- complaints: clues
    "complaints.services.clue_receive": A(lambda w: lambda: w.clue()),
    "complaints.services.clue_accept": A(lambda w: call(C("clue_accept"), clue=w.clue(), user=w.officer)),
    "complaints.services.clue_reject": A(lambda w: call(C("clue_reject"), clue=w.clue(), user=w.officer, reason="超过时效。")),
    "complaints.services.clue_classify": A(lambda w: call(C("clue_classify"), clue=w.clue("accepted"), user=w.officer,
                                                          category="wage_arrears")),
    "complaints.services.clue_transfer": A(lambda w: (w.make_department(kind="housing", region="6205"), call(
        C("clue_transfer"), clue=w.clue("accepted"), user=w.officer, department="housing", reason="涉及工程款。"))[1]),
    "complaints.services.clue_resolve": A(lambda w: call(C("clue_resolve"), clue=w.clue("in_progress"), user=w.officer,
                                                         workers_paid=3, amount_recovered=Decimal("18600.00"), result="已支付。")),
    "complaints.services.clue_close": A(lambda w: call(C("clue_close"), clue=w.clue("resolved"), user=w.officer, reply="已答复。")),
    "complaints.services.clue_transfer_reply": A(lambda w: call(C("clue_transfer_reply"), clue=w.transferred_clue(),
                                                                user=w.officer, outcome="returned", reply="退回劳动监察处理。")),
    "complaints.services.clue_hand_over": A(lambda w: call(C("clue_hand_over"), clue=w.clue("accepted"), user=w.officer,
                                                           to_user=w.users["inspector2"], comment="工作调整。")),
    "complaints.services.clue_extension_request": A(lambda w: call(C("clue_extension_request"), clue=w.clue("in_progress"),
                                                                   user=w.officer, reason="案情复杂。")),
    "complaints.services.clue_extension_approve": A(lambda w: call(C("clue_extension_approve"), clue=w.clue("in_progress"),
                                                                   user=w.users["head"], comment="案情复杂。"), actor="head"),
    "complaints.services.clue_revisit": A(lambda w: call(C("clue_revisit"), clue=w.clue("closed"), user=w.officer,
                                                         satisfied=True, note="投诉人表示满意。")),
    "complaints.services.clue_merge": A(lambda w: call(C("clue_merge"), clue=w.clue(), into=w.clue(), user=w.officer)),
    "complaints.services.clue_note": A(lambda w: call(C("clue_note"), clue=w.clue(), user=w.officer, comment="已电话联系。"),
                                       changelog=False, timeline=ClueEvent,
                                       why="a note is a timeline entry (with its author), not a change of the clue"),
    "complaints.services.clue_deadline_notifications": A(
        lambda w: (Clue.objects.filter(pk=w.clue().pk).update(warn_on=ago(2), due_on=ago(1), accept_due=ago(1)),
                   task("complaints.tasks", "deadline_notifications"))[1],
        job="complaints.deadline_notifications", changelog=False, timeline=ClueEvent,
        why="raises notifications and reminders on the timelines; changes no record"),
    # --- complaints: cases and incidents
    "complaints.services.case_open": A(lambda w: lambda: w.case()),
    "complaints.services.case_open_from_clue": A(lambda w: call(C("case_open_from_clue"), clue=w.clue("in_progress"),
                                                                user=w.officer, enterprise=w.make_enterprise(), **FIVE_HAVES)),
    "complaints.services.case_update": A(lambda w: call(C("case_update"), case=w.case(), user=w.officer, measures="约谈法人。")),
    "complaints.services.case_payment_add": A(lambda w: call(C("case_payment_add"), case=w.case(), user=w.officer,
                                                             amount="1000.00", paid_on=ago(1), source="enterprise", workers=1)),
    "complaints.services.case_order": A(lambda w: call(C("case_order"), case=w.case(), user=w.officer, issued_on=ago(5),
                                                       pay_by=ago(-10))),
    "complaints.services.case_compensation": A(lambda w: call(C("case_compensation"), case=w.listable_case(), user=w.officer,
                                                              percent=50)),
    "complaints.services.case_refer": A(lambda w: call(C("case_refer"), case=w.listable_case(), user=w.officer,
                                                       referred_on=today(), police_unit="秦州公安分局")),
    "complaints.services.case_referral_update": A(lambda w: call(
        C("case_referral_update"), user=w.officer, status="filed",
        referral=C("case_refer")(case=w.listable_case(), user=w.officer, referred_on=today(), police_unit="秦州公安分局"))),
    "complaints.services.case_note": A(lambda w: call(C("case_note"), case=w.case(), user=w.officer, comment="已约谈。"),
                                       changelog=False, timeline=CaseEvent,
                                       why="a note is a timeline entry (with its author), not a change of the case"),
    "complaints.services.incident_report": A(lambda w: call(
        C("incident_report"), user=w.officer, kind="collective_petition", occurred_at=timezone.now() - dt.timedelta(hours=1),
        reported_at=timezone.now() - dt.timedelta(minutes=55), region=w.home, people_involved=9, description="聚集讨薪。",
        case=w.case()), timeline=CaseEvent),
    "complaints.services.incident_update": A(lambda w: call(
        C("incident_update"), user=w.officer, measures="已疏导。",
        incident=C("incident_report")(user=w.officer, kind="strike", occurred_at=timezone.now() - dt.timedelta(hours=2),
                                      reported_at=timezone.now() - dt.timedelta(hours=2), region=w.home, people_involved=5,
                                      description="停工讨薪。"))),
    # --- inspections
    "inspections.services.campaign_save": A(lambda w: lambda: w.campaign()),
    "inspections.services.draw_make": A(lambda w: lambda: w.draw()),
    "inspections.services.draw_publish": A(lambda w: call(I("draw_publish"), draw=w.draw(), user=w.officer)),
    "inspections.services.inspection_record": A(lambda w: lambda: w.inspection()),
    "inspections.services.inspection_photo_add": A(lambda w: call(I("inspection_photo_add"), inspection=w.inspection(False),
                                                                  user=w.officer, image=png(), caption="公示牌")),
    "inspections.services.order_issue": A(_prepare_order_issue),
    "inspections.services.order_reinspect": A(lambda w: call(I("order_reinspect"), order=w.inspection().order, user=w.officer,
                                                             reinspected_on=today(), rectified=True), timeline=Reinspection),
    "inspections.services.orders_mark_overdue": A(lambda w: (w.overdue_order(), task("inspections.tasks", "orders_mark_overdue"))[1],
                                                  job="inspections.orders_mark_overdue"),
    "inspections.services.penalty_decide": A(lambda w: call(I("penalty_decide"), order=w.escalated_order(), user=w.officer,
                                                            article="55", amount=Decimal("60000"), facts="未存储工资保证金。")),
    # --- blacklist: listings
    "blacklist.services.listing_propose": A(lambda w: lambda: w.listing()),
    "blacklist.services.listing_object": A(lambda w: call(B("listing_object"), listing=w.listing(notified_on=ago(1)),
                                                          user=w.officer, text="已支付部分工资。")),
    "blacklist.services.objection_review": A(lambda w: call(
        B("objection_review"), user=w.officer, outcome="upheld", review="理由成立。",
        objection=B("listing_object")(listing=w.listing(notified_on=ago(1)), user=w.officer, text="已支付。"))),
    "blacklist.services.listing_decide": A(lambda w: call(B("listing_decide"), listing=w.listing(), user=w.officer)),
    "blacklist.services.listing_remove": A(_prepare_listing_remove),
    "blacklist.services.listings_expire": A(_prepare_listings_expire, job="blacklist.expire_listings"),
    "blacklist.services.listing_note": A(lambda w: call(B("listing_note"), listing=w.listing(), user=w.officer, comment="备注。"),
                                         changelog=False, timeline=ListingEvent,
                                         why="a note is a timeline entry (with its author), not a change of the listing"),
    "blacklist.services.credit_export_create": A(lambda w: (w.listing("listed"), call(B("credit_export_create"),
                                                                                      user=w.officer))[1],
                                                 changelog=False, timeline=ListingEvent,
                                                 why="the export is an append-only record (created_by, one entry per "
                                                     "listing) and each listing's timeline gets an `exported` event"),
    "blacklist.services.refresh_enterprise_effects": A(lambda w: call(B("refresh_enterprise_effects"),
                                                                      enterprise=w.case().enterprise)),
    # --- blacklist: publication batches
    "blacklist.services.batch_create": A(lambda w: lambda: w.batch()),
    "blacklist.services.batch_entry_add": A(lambda w: call(B("batch_entry_add"), batch=w.batch()[0], case=w.listable_case(),
                                                           user=w.officer)),
    "blacklist.services.batch_entry_remove": A(lambda w: call(B("batch_entry_remove"), entry=w.batch(with_entry=True)[1],
                                                              user=w.officer)),
    "blacklist.services.batch_review": A(lambda w: call(B("batch_review"), batch=w.batch(with_entry=True)[0], user=w.officer)),
    "blacklist.services.batch_approve": A(lambda w: call(B("batch_approve"), batch=w.batch("reviewed", True)[0],
                                                         user=w.users["head"]), actor="head"),
    "blacklist.services.batch_publish": A(lambda w: call(B("batch_publish"), batch=w.batch("approved", True)[0],
                                                         user=w.officer)),
    # --- blacklist: ratings
    "blacklist.services.rating_compute": A(lambda w: call(B("rating_compute"), enterprise=w.make_enterprise())),
    "blacklist.services.ratings_recompute": A(_prepare_ratings_recompute, job="blacklist.recompute_ratings"),
    "blacklist.services.rating_adjust": A(lambda w: call(B("rating_adjust"), enterprise=w.make_enterprise(),
                                                         user=w.users["head"], rating="B", reason="复核调整。"), actor="head"),
    # --- projects
    "projects.services.enterprise_get_or_create": A(lambda w: call(P("enterprise_get_or_create"), uscc=make_uscc(w.rng, HOME),
                                                                   name="新企业有限公司", region_code=HOME)),
    "projects.services.project_refresh": A(_prepare_project_refresh, changelog=False,
                                           why="recomputes derived figures and warnings, which the change log leaves "
                                               "out by design (Project.changelog_exclude)"),
    "projects.services.project_save": A(_prepare_project_save),
    "projects.services.account_set": A(lambda w: call(P("account_set"), project=w.make_project(), bank_name="甘肃银行",
                                                      account_number="62300012345", opened_on=ago(30))),
    "projects.services.allocation_upsert": A(lambda w: call(P("allocation_upsert"), project=w.make_project(),
                                                            period=last_month(), amount=Decimal("500000"), paid_on=ago(1))),
    "projects.services.worker_register": A(lambda w: lambda: w.worker_on(w.make_project())),
    "projects.services.roster_register_many": A(_prepare_roster_many),
    "projects.services.payroll_upsert": A(_prepare_payroll),
    "projects.services.deposit_set": A(lambda w: call(P("deposit_set"), project=w.make_project(), form="cash",
                                                      amount=Decimal("240000"), deposited_on=ago(10))),
    "projects.services.deposit_drawdown": A(_prepare_drawdown),
    "projects.services.deposit_topped_up": A(_prepare_topped_up),
    "projects.services.notice_board_set": A(lambda w: call(P("notice_board_set"), project=w.make_project(), installed_on=ago(5),
                                                           items=["builder", "general_contractor"])),
    "projects.services.subcontractor_add": A(lambda w: call(P("subcontractor_add"), project=w.make_project(),
                                                            enterprise=w.make_enterprise(roles=["subcontractor"]))),
    "projects.services.subcontractor_remove": A(_prepare_subcontractor_remove),
    "projects.services.work_team_save": A(lambda w: call(P("work_team_save"), project=w.make_project(), name="钢筋一班")),
    "projects.services.attendance_record": A(_prepare_attendance),
    "projects.services.account_close": A(lambda w: call(P("account_close"), project=w.completed_project(), closed_on=today())),
    "projects.services.deposit_return_notice": A(lambda w: call(P("deposit_return_notice"), project=w.completed_project(),
                                                                notice_on=today())),
    "projects.services.deposit_return": A(_prepare_deposit_return),
    # --- core
    "wagecase.core.services.journal_add": A(lambda w: call(import_module("wagecase.core.services").journal_add,
                                                           obj=w.make_project(), user=w.officer, comments="现场核实。"),
                                            changelog=False, timeline=JournalEntry,
                                            why="a journal entry is itself the human note, with created_by"),
    "wagecase.core.services.job_enqueue": A(_prepare_job_enqueue, changelog=False,
                                            why="a job records who asked for it (Job.user); what it changes is logged "
                                                "when it runs (job_run)"),
    "wagecase.core.services.job_run": A(_prepare_job_run, own_context=True),
    # --- integrations
    "wagecase.integrations.services.create_api_client": A(lambda w: lambda: w.api_client(), actor="admin"),
    "wagecase.integrations.services.token_create": A(lambda w: call(_integration("token_create"), client=w.api_client(),
                                                                    name="second"), actor="admin"),
    "wagecase.integrations.services.token_revoke": A(lambda w: call(_integration("token_revoke"),
                                                                    token=w.api_client().tokens.get()), actor="admin"),
    "wagecase.integrations.services.token_rotate": A(_prepare_rotate, actor="admin"),
    "wagecase.integrations.services.client_revoke_tokens": A(lambda w: call(_integration("client_revoke_tokens"),
                                                                            client=w.api_client()), actor="admin"),
    # --- reports
    "wagecase.reports.services.report_request": A(lambda w: lambda: w.report()),
    "wagecase.reports.services.report_generate": A(lambda w: task("wagecase.reports.tasks", "generate_report", w.report().pk),
                                                   job="reports.generate_report"),
    "wagecase.reports.services.report_sign": A(lambda w: call(_report("report_sign"), report=w.report("done"),
                                                              user=w.users["locality"]), actor="locality"),
    "wagecase.reports.services.report_submit": A(lambda w: call(_report("report_submit"), report=w.report("signed"),
                                                                user=w.officer)),
    "wagecase.reports.services.scheduled_reports": A(lambda w: task("wagecase.reports.tasks", "scheduled_reports", "weekly"),
                                                     job="reports.scheduled_reports weekly"),
}

# Public service functions that change nothing a user or job should answer for: reads, pure
# computations, helpers of the actions above (exercised through them), and counters.
NOT_A_CHANGE = {
    "complaints.services.office_only": "a permission check",
    "complaints.services.warn_day": "a date computation",
    "complaints.services.clue_set_deadlines": "sets fields in memory; the calling action saves (and logs) them",
    "complaints.services.next_clue_number": "a number counter (ClueSequence), used by clue_receive",
    "complaints.services.duplicate_candidates": "a read",
    "complaints.services.notify": "an in-app notification to a user, not a record change; used by the actions",
    "complaints.services.office_users_for": "a read",
    "complaints.services.office_heads_for": "a read",
    "complaints.services.department_members": "a read",
    "inspections.services.inspector_pool_for": "a read",
    "inspections.services.draw_verify": "a read (re-runs a stored draw)",
    "inspections.services.default_rectify_by": "a date computation",
    "inspections.services.document_prefix": "a read",
    "inspections.services.next_document_number": "a number counter (DocumentSequence), used by the actions issuing documents",
    "inspections.services.latest_inspection": "a read",
    "inspections.services.checklist_counts": "a computation",
    "blacklist.services.check_criteria": "a check (raises when the criteria are not met)",
    "blacklist.services.case_facts": "a text computation",
    "blacklist.services.export_record": "a computation",
    "blacklist.services.publication_reason": "a computation",
    "blacklist.services.publication_candidates": "a read",
    "blacklist.services.case_handling": "a text computation",
    "blacklist.services.rating_reasons": "a read",
    "blacklist.services.enterprises_listed": "a read",
    "blacklist.services.listed_enterprise_ids": "a read",
    "projects.services.months_of": "a computation",
    "projects.services.monitoring_required": "a computation",
    "projects.services.check_period": "a check",
    "projects.services.roster_entry_check": "a check (raises when a roster entry breaks the models' rules)",
    "projects.services.employment_on_site": "a computation",
    "wagecase.core.services.register_job_handler": "a decorator registering code",
    "wagecase.core.services.xlsx_file": "builds a file in memory / on disk",
    "wagecase.core.services.xlsx_bytes": "builds a file in memory",
    "wagecase.integrations.services.hash_key": "a computation",
    "wagecase.integrations.services.key_checksum": "a computation",
    "wagecase.integrations.services.new_key": "a computation",
    "wagecase.integrations.services.looks_like_client_key": "a check",
    "wagecase.reports.services.add_months": "a date computation",
    "wagecase.reports.services.period_of": "a date computation",
    "wagecase.reports.services.signature_lines": "a read",
    "wagecase.reports.services.office_regions": "a read",
}


def service_functions():
    names = []
    for module_name in SERVICE_MODULES:
        module = import_module(module_name)
        names += [f"{module_name}.{name}" for name, obj in vars(module).items()
                  if inspect.isfunction(obj) and obj.__module__ == module_name and not name.startswith("_")]
    return sorted(names)


def test_every_service_function_is_exercised_or_said_to_change_nothing():
    found = set(service_functions())
    missing = sorted(found - set(ACTIONS) - set(NOT_A_CHANGE))
    assert not missing, f"service functions neither exercised in ACTIONS nor listed in NOT_A_CHANGE: {missing}"
    stale = sorted((set(ACTIONS) | set(NOT_A_CHANGE)) - found)
    assert not stale, f"listed here but no longer service functions: {stale}"
    assert not set(ACTIONS) & set(NOT_A_CHANGE)
    assert all(action.changelog or action.why for action in ACTIONS.values())


def _marks():
    marks = {model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
             for model in [ObjectChange, *TIMELINE_EVENTS, JournalEntry]}
    return marks


def _names_actor(event, actor, job):
    if isinstance(event, JournalEntry):
        return event.created_by_id == actor.pk
    if job:
        return event.user_id is None and job in (getattr(event, "job", ""), (getattr(event, "parameters", None) or {}).get("job"))
    return event.user_id == actor.pk


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_leaves_change_records_and_timeline_events_naming_the_actor(name, world):
    action = ACTIONS[name]
    run = action.prepare(world)
    actor = world.users[action.actor]
    marks = _marks()
    if action.own_context:
        run()
    elif action.job:
        run()  # the task opens its own context; a task that forgot would leave "system" and fail below
    else:
        with change_context(source=ChangeSource.WEB, user=actor):
            run()

    changes = list(ObjectChange.objects.filter(pk__gt=marks[ObjectChange]).select_related("changed_object_type"))
    if action.changelog:
        assert changes, f"{name} left no change record"
    for change in changes:
        where = f"{name}: change of {change.changed_object_type.model} {change.object_repr!r}"
        if action.own_context:  # job_run: the job's owner, and the job named
            assert change.user_id == world.officer.pk and change.source_label.startswith("job audit-test"), where
        elif action.job:
            assert change.user_id is None and change.source_label == action.job, where
        else:
            assert change.user_id == actor.pk, f"{where} names {change.user_name or change.source_label or 'nobody'}"

    new_events = {model: list(model.objects.filter(pk__gt=marks[model])) for model in [*TIMELINE_EVENTS, JournalEntry]}
    for model, events in new_events.items():
        for event in events:
            assert _names_actor(event, actor, action.job), f"{name}: {model.__name__} {event.pk} does not name the actor"
    if action.timeline is not None:
        assert new_events[action.timeline], f"{name} added no {action.timeline.__name__}"
    # Every record with a timeline that the action changed got an event on it.
    for change in changes:
        model = change.changed_object_type.model_class()
        if model in TIMELINES:
            event_model, field = TIMELINES[model]
            ids = {getattr(e, f"{field}_id") for e in new_events[event_model]}
            assert int(change.changed_object_id) in ids, (
                f"{name} changed {model.__name__} {change.object_repr!r} without an event on its timeline")
