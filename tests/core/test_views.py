"""Pages of the shared core: the generic suite applied to enterprises, departments, policy values,
regions and users, plus personal data, history, journal, exports, jobs, scope and the home page."""
import io
import itertools
import random
import re

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from tests.conftest import HOME, OTHER
from tests.generic_views import ObjectViewTestSuite, ReadOnlyObjectViewTestSuite
from wagecase.core.choices import JobStatus, Role
from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.models import Department, Enterprise, Job, JournalEntry, ObjectChange, PiiAccessLog, PolicyValue, Region, User
from wagecase.core.pii import mask_id_number, mask_phone
from wagecase.core.policy import POLICIES
from wagecase.core.tables import EnterpriseTable

_names = itertools.count(1)


# --- The generic suite, per model --------------------------------------------------------------

class TestEnterpriseViews(ObjectViewTestSuite):
    model = Enterprise
    permitted_roles = {"view": Role.INSPECTOR, "add": Role.INSPECTOR, "change": Role.INSPECTOR, "delete": Role.ADMIN}

    @pytest.fixture
    def make_in_scope(self, make_enterprise):
        return lambda: make_enterprise(region=HOME)

    @pytest.fixture
    def make_out_of_scope(self, make_enterprise):
        return lambda: make_enterprise(region=OTHER)

    def valid_data(self):
        rng = random.Random()
        return {
            "uscc": make_uscc(rng, HOME),
            "name": f"天水秦安建设工程有限公司{next(_names)}",
            "region": HOME,
            "legal_representative": "李建华",
            "legal_representative_id_number": make_id_number(rng, HOME),
            "contact_phone": "13809381234",
            "address": "天水市秦州区民主西路 8 号",
            "roles": ["general_contractor", "subcontractor"],
            "credit_rating": "B",
        }

    def invalid_data(self):
        return {**self.valid_data(), "uscc": "91620502MA00000000"}


class TestDepartmentViews(ObjectViewTestSuite):
    model = Department
    # API.md: creating (and changing) a department needs the administrator role.
    permitted_roles = {"view": Role.INSPECTOR, "add": Role.ADMIN, "change": Role.ADMIN, "delete": Role.ADMIN}

    @pytest.fixture
    def make_in_scope(self, make_department):
        return lambda: make_department(region=HOME)

    @pytest.fixture
    def make_out_of_scope(self, make_department):
        return lambda: make_department(region=OTHER)

    def valid_data(self):
        return {
            "kind": "labour_inspection",
            "name": f"秦州区劳动保障监察大队{next(_names)}",
            "region": HOME,
            "phone": "0938-8212345",
            "address": "天水市秦州区",
        }

    def invalid_data(self):
        return {**self.valid_data(), "name": "", "phone": "12345"}


class TestPolicyValueViews(ObjectViewTestSuite):
    model = PolicyValue
    permitted_roles = {"view": Role.ADMIN, "add": Role.ADMIN, "change": Role.ADMIN, "delete": Role.ADMIN}

    @pytest.fixture
    def make_in_scope(self, db):
        # Distinct (region, key) pairs in HOME and its townships.
        regions = list(Region.objects.filter(code__startswith=HOME).values_list("code", flat=True))
        pairs = itertools.product(regions, list(POLICIES))

        def make():
            region, key = next(pairs)
            value = PolicyValue(region_id=region, key=key, value=POLICIES[key].default)
            value.full_clean()
            value.save()
            return value

        return make

    @pytest.fixture
    def make_out_of_scope(self, db):
        def make():
            value = PolicyValue(region_id=OTHER, key="deposit_rate", value="1.5")
            value.full_clean()
            value.save()
            return value

        return make

    def valid_data(self):
        return {"key": "deposit_rate", "region": HOME, "value": "2.5", "basis": "甘人社发〔2026〕1号"}

    def invalid_data(self):
        return {**self.valid_data(), "value": "5"}


class TestRegionViews(ReadOnlyObjectViewTestSuite):
    model = Region
    permitted_roles = {"view": Role.INSPECTOR}
    list_rows = 24  # HOME and its townships

    @pytest.fixture
    def make_in_scope(self, db):
        regions = itertools.cycle(list(Region.objects.filter(code__startswith=HOME)))
        return lambda: next(regions)

    @pytest.fixture
    def make_out_of_scope(self, db):
        return lambda: Region.objects.get(code=OTHER)


class TestUserViews(ReadOnlyObjectViewTestSuite):
    model = User
    permitted_roles = {"view": Role.INSPECTOR}

    @pytest.fixture
    def make_in_scope(self, make_user):
        return lambda: make_user(Role.OFFICE_STAFF, HOME)

    @pytest.fixture
    def make_out_of_scope(self, make_user):
        return lambda: make_user(Role.OFFICE_STAFF, OTHER)


# --- Forms and validation ------------------------------------------------------------------------

def enterprise_post_data(**overrides):
    return {**TestEnterpriseViews().valid_data(), **overrides}


def test_invalid_uscc_is_rejected_with_a_field_error_and_nothing_saved(client, inspector):
    client.force_login(inspector)
    before = Enterprise.objects.count()
    with translation.override("zh-hans"):
        response = client.post(
            reverse("core:enterprise_add"), enterprise_post_data(uscc="91620502MA00000000"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert "uscc" in form.errors
    assert form.errors.as_data()["uscc"][0].code == "uscc_checksum"
    assert Enterprise.objects.count() == before
    assert not ObjectChange.objects.filter(changed_object_type=ContentType.objects.get_for_model(Enterprise)).exists()


def test_enterprise_region_choices_are_limited_to_the_jurisdiction(client, inspector):
    client.force_login(inspector)
    response = client.post(reverse("core:enterprise_add"), enterprise_post_data(region=OTHER))
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Enterprise.objects.filter(region_id=OTHER).exists()


def test_policy_value_out_of_range_gives_a_value_error(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("core:policyvalue_add"), {"key": "criminal_threshold_total", "region": "6205", "value": "200000"})
    assert response.status_code == 200
    assert "value" in response.context["form"].errors
    assert not PolicyValue.objects.exists()


def test_policy_values_need_the_administrator_role(client, inspector):
    client.force_login(inspector)
    assert client.get(reverse("core:policyvalue_list")).status_code == 200
    assert client.get(reverse("core:policyvalue_add")).status_code == 403


def test_delete_of_a_department_in_use_gives_a_message(client, make_department, make_user):
    department = make_department(region=HOME)
    make_user(Role.INSPECTOR, HOME)  # takes the first department of HOME
    admin = make_user(Role.ADMIN, "6205")
    client.force_login(admin)
    response = client.post(reverse("core:department_delete", args=[department.pk]), follow=True)
    assert response.status_code == 200
    assert Department.objects.filter(pk=department.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and department.name in messages[0]


def test_edit_form_never_echoes_personal_data(client, office_staff, make_enterprise):
    enterprise = make_enterprise(region=HOME)
    client.force_login(office_staff)
    url = reverse("core:enterprise_edit", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert enterprise.legal_representative_id_number not in page
    assert mask_id_number(enterprise.legal_representative_id_number) in page
    # Left empty, the stored values are kept.
    data = enterprise_post_data(
        uscc=enterprise.uscc, name="改名后的公司", legal_representative_id_number="", contact_phone="", roles=["builder"]
    )
    assert client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "改名后的公司"
    assert enterprise.legal_representative_id_number and enterprise.contact_phone


# --- Personal data -------------------------------------------------------------------------------

def reveal_url(obj, field):
    return reverse("core:pii_reveal", args=[ContentType.objects.get_for_model(obj).pk, obj.pk, field])


def test_pages_show_personal_data_masked(client, inspector, make_enterprise):
    enterprise = make_enterprise(region=HOME)
    client.force_login(inspector)
    for url in (reverse("core:enterprise_list"), enterprise.get_absolute_url()):
        page = client.get(url).content.decode()
        assert enterprise.legal_representative_id_number not in page
        assert enterprise.contact_phone not in page
        assert mask_id_number(enterprise.legal_representative_id_number) in page
        assert mask_phone(enterprise.contact_phone) in page
    # The detail page offers the reveal button to a role with core.view_pii.
    assert reveal_url(enterprise, "contact_phone") in client.get(enterprise.get_absolute_url()).content.decode()


def test_pii_reveal_returns_the_value_and_logs_it(client, inspector, make_enterprise):
    enterprise = make_enterprise(region=HOME)
    client.force_login(inspector)
    response = client.post(reveal_url(enterprise, "legal_representative_id_number"))
    assert response.status_code == 200
    assert enterprise.legal_representative_id_number in response.content.decode()
    log = PiiAccessLog.objects.get()
    assert (log.user, log.object_id, log.field, log.channel) == (inspector, str(enterprise.pk), "legal_representative_id_number", "web")
    assert log.request_id is not None


def test_pii_reveal_forbidden_without_the_permission(client, office_staff, make_enterprise):
    enterprise = make_enterprise(region=HOME)
    client.force_login(office_staff)
    assert client.post(reveal_url(enterprise, "contact_phone")).status_code == 403
    assert reveal_url(enterprise, "contact_phone") not in client.get(enterprise.get_absolute_url()).content.decode()
    assert not PiiAccessLog.objects.exists()


def test_pii_reveal_out_of_scope_and_other_fields_are_404(client, inspector, make_enterprise):
    other = make_enterprise(region=OTHER)
    mine = make_enterprise(region=HOME)
    client.force_login(inspector)
    assert client.post(reveal_url(other, "contact_phone")).status_code == 404
    assert client.post(reveal_url(mine, "name")).status_code == 404
    assert client.get(reveal_url(mine, "contact_phone")).status_code == 405
    assert not PiiAccessLog.objects.exists()


def test_pii_reveal_anonymous_goes_to_login(client, make_enterprise):
    enterprise = make_enterprise(region=HOME)
    response = client.post(reveal_url(enterprise, "contact_phone"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- History and journal ---------------------------------------------------------------------------

def test_history_tab_shows_the_change(client, inspector, make_enterprise):
    enterprise = make_enterprise(region=HOME, name="旧名称建筑公司")
    client.force_login(inspector)
    data = enterprise_post_data(uscc=enterprise.uscc, name="新名称建筑公司")
    assert client.post(reverse("core:enterprise_edit", args=[enterprise.pk]), data).status_code == 302
    response = client.get(enterprise.get_absolute_url(), {"tab": "history"})
    assert response.status_code == 200
    change, rows = response.context["changes"][0]
    assert change.action == "update" and change.user == inspector and change.source == "web"
    assert (str(Enterprise._meta.get_field("name").verbose_name), "旧名称建筑公司", "新名称建筑公司") in [
        (str(label), before, after) for label, before, after in rows
    ]
    page = response.content.decode()
    assert "新名称建筑公司" in page and inspector.username in page and str(change.request_id) in page
    # Personal data in the before/after JSON is masked on the page too.
    assert enterprise.legal_representative_id_number not in page


def test_journal_add(client, inspector, make_enterprise):
    enterprise = make_enterprise(region=HOME)
    client.force_login(inspector)
    content_type = ContentType.objects.get_for_model(Enterprise)
    url = reverse("core:journal_add", args=[content_type.pk, enterprise.pk])
    response = client.post(url, {"kind": "warning", "comments": "法定代表人电话停机，需现场核实"})
    assert response.status_code == 302 and response.url.endswith("?tab=journal")
    entry = JournalEntry.objects.get()
    assert (entry.assigned_object, entry.created_by, entry.kind) == (enterprise, inspector, "warning")
    page = client.get(enterprise.get_absolute_url(), {"tab": "journal"}).content.decode()
    assert "法定代表人电话停机" in page


def test_journal_add_scope_and_permission(client, inspector, bureau, make_enterprise):
    other = make_enterprise(region=OTHER)
    mine = make_enterprise(region=HOME)
    content_type = ContentType.objects.get_for_model(Enterprise)
    client.force_login(inspector)
    assert client.post(reverse("core:journal_add", args=[content_type.pk, other.pk]), {"kind": "info", "comments": "x"}).status_code == 404
    client.force_login(bureau)  # bureau clients may not write journal notes
    assert client.post(reverse("core:journal_add", args=[content_type.pk, mine.pk]), {"kind": "info", "comments": "x"}).status_code == 403
    assert not JournalEntry.objects.exists()


# --- Export and jobs -----------------------------------------------------------------------------

def download_rows(client, job):
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_export_button_creates_a_job_with_only_in_scope_rows(client, inspector, make_enterprise, django_capture_on_commit_callbacks):
    mine = [make_enterprise(region=HOME) for _ in range(3)]
    theirs = make_enterprise(region=OTHER)
    client.force_login(inspector)
    page = client.get(reverse("core:enterprise_list")).content.decode()
    assert reverse("core:enterprise_export") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:enterprise_export"), {"query": "page=2&sort=name"})
    job = Job.objects.get(user=inspector)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.log
    assert job.params == {"model": "core.enterprise", "query": ""}
    rows = download_rows(client, job)
    header, body = rows[0], rows[1:]
    assert str(Enterprise._meta.get_field("uscc").verbose_name) == header[0]
    assert {row[0] for row in body} == {e.uscc for e in mine}
    assert theirs.uscc not in {row[0] for row in body}
    # Personal data masked in the file too.
    id_column = header.index(str(Enterprise._meta.get_field("legal_representative_id_number").verbose_name))
    assert {row[id_column] for row in body} == {mask_id_number(e.legal_representative_id_number) for e in mine}


def test_xlsx_files_are_written_through_lxml():
    """openpyxl writes through lxml when it is installed (pyproject); without it, through its own
    pure-Python serializer: an export of 20,000 roster entries took 10.7 s instead of 8.8 s."""
    import openpyxl
    from openpyxl.xml.functions import xmlfile

    assert openpyxl.LXML is True and xmlfile.__module__.startswith("lxml")


def test_export_follows_the_filter(client, inspector, make_enterprise, django_capture_on_commit_callbacks):
    wanted = make_enterprise(region=HOME, name="独一无二劳务有限公司")
    make_enterprise(region=HOME)
    client.force_login(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:enterprise_export"), {"query": "q=独一无二"})
    job = Job.objects.get(user=inspector)
    assert [row[0] for row in download_rows(client, job)[1:]] == [wanted.uscc]


def test_department_and_region_exports(client, admin_user, make_department, django_capture_on_commit_callbacks):
    make_department(region=HOME)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:department_export"), {"query": ""})
        client.post(reverse("core:region_export"), {"query": "level=county"})
    jobs = {job.params["model"]: job for job in Job.objects.filter(user=admin_user)}
    assert {j.status for j in jobs.values()} == {JobStatus.DONE}
    assert len(download_rows(client, jobs["core.department"])) == 2
    counties = download_rows(client, jobs["core.region"])[1:]
    assert {row[0] for row in counties} == set(Region.objects.filter(code__startswith="6205", level="county").values_list("code", flat=True))


def test_job_pages_are_404_for_another_users_job(client, inspector, other_inspector):
    job = Job.objects.create(kind="export", user=other_inspector, title="x", params={})
    client.force_login(inspector)
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    assert job.pk not in {j.pk for j in client.get(reverse("core:job_list")).context["filter"].qs}


def test_job_page_polls_until_finished(client, inspector):
    job = Job.objects.create(kind="export", user=inspector, title="导出", params={}, status=JobStatus.RUNNING, total=10, done=4)
    client.force_login(inspector)
    url = reverse("core:job_detail", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "40%" in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="job-status"' in partial and "<html" not in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=10)
    assert 'hx-trigger' not in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    # No result file: the download is 404.
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


# --- Scope of region pages -----------------------------------------------------------------------

def test_region_scope(client, inspector, make_enterprise, make_department):
    make_enterprise(region=HOME, name="秦州本地企业")
    make_department(region=HOME, name="秦州区人社局")
    client.force_login(inspector)
    assert client.get(reverse("core:region_detail", args=[OTHER])).status_code == 404
    assert client.get(reverse("core:region_detail", args=["6205"])).status_code == 404
    response = client.get(reverse("core:region_detail", args=[HOME]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "秦州本地企业" in page and "秦州区人社局" in page
    assert len(response.context["policies"]) == len(POLICIES)
    assert {c.code[:6] for c in response.context["children"]} == {HOME}


def test_region_page_says_where_each_policy_comes_from(client, admin_user):
    PolicyValue.objects.create(region_id="6205", key="deposit_rate", value="1.5")
    client.force_login(admin_user)
    policies = {row["definition"].key: row for row in client.get(reverse("core:region_detail", args=[HOME])).context["policies"]}
    assert policies["deposit_rate"]["source"] == "6205" and str(policies["deposit_rate"]["value"]) == "1.50"
    assert policies["clue_accept_days"]["source"] == "default"


# --- Shell: login, home, navigation, language ----------------------------------------------------

def test_login_page_and_logout(client, inspector):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": inspector.username, "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "role, region",
    [(Role.INSPECTOR, HOME), (Role.OFFICE_STAFF, HOME), (Role.OFFICE_HEAD, HOME), (Role.BUREAU, "6205"), (Role.ADMIN, "6205")],
)
def test_home_page_renders_for_each_role(client, make_user, make_department, make_enterprise, role, region):
    make_department(region=HOME)
    make_enterprise(region=HOME)
    user = make_user(role, region, full_name="张晓明")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张晓明" in page and Region.objects.get(code=region).full_name in page
    assert {"jurisdiction", "recent_changes"} <= {panel.name for panel, _html in response.context["panels"]}
    counts = {str(c["label"]): c["count"] for c in _panel_context(user, "jurisdiction")["counts"]}
    assert counts[str(Enterprise._meta.verbose_name_plural)] == 1


def test_page_titles_name_the_page_then_the_system(client, inspector):
    """The browser tab reads "首页 · 根治欠薪案件管理系统" (the separator was left out on the home page,
    which ran the two together: "首页根治欠薪案件管理系统")."""
    client.force_login(inspector)
    for name, page in (("home", "首页"), ("complaints:clue_list", "线索")):
        html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        assert title == f"{page} · 根治欠薪案件管理系统"


def test_join_clauses_drops_each_sentences_stop():
    from django.utils import translation

    from wagecase.core.templatetags.ui import join_clauses

    with translation.override("zh-hans"):
        assert join_clauses(["未按月拨付人工费用。", ("工资保证金未存储。", 30), "欠薪 1,000.00 元"]) == \
            "未按月拨付人工费用；工资保证金未存储；欠薪 1,000.00 元"
        assert join_clauses([]) == ""
    with translation.override("en"):
        assert join_clauses(["Labour costs not allocated.", "No deposit"]) == "Labour costs not allocated; No deposit"


def _panel_context(user, name):
    from django.test import RequestFactory

    from wagecase.core.views.home import HOME_PANELS

    request = RequestFactory().get("/")
    request.user = user
    return next(p for p in HOME_PANELS if p.name == name).get_context(request)


def test_home_counts_follow_scope(make_user, make_enterprise):
    make_enterprise(region=HOME)
    make_enterprise(region=OTHER)
    counts = {str(c["label"]): c["count"] for c in _panel_context(make_user(Role.INSPECTOR, OTHER), "jurisdiction")["counts"]}
    assert counts[str(Enterprise._meta.verbose_name_plural)] == 1


def test_navigation_follows_permissions(client, inspector, bureau):
    client.force_login(inspector)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("core:user_list")}"' in page and f'href="{reverse("core:enterprise_list")}"' in page
    client.force_login(bureau)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("core:enterprise_list")}"' in page and reverse("core:user_list") not in page


def test_calendar_banner(client, inspector, monkeypatch):
    monkeypatch.setattr("wagecase.core.workdays.missing_schedule_years", lambda today=None: [2031])
    monkeypatch.setattr("wagecase.core.views.home.missing_schedule_years", lambda today=None: [2031])
    client.force_login(inspector)
    response = client.get(reverse("home"))
    assert response.context["calendar_missing_years"] == [2031]
    assert "2031" in response.content.decode()
    assert "calendar" in [panel.name for panel, _html in response.context["panels"]]


def test_language_switch(client, inspector):
    client.force_login(inspector)
    assert 'lang="zh-hans"' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_home_shows_my_recent_changes_and_jobs(client, inspector, make_enterprise):
    client.force_login(inspector)
    data = enterprise_post_data(name="首页可见的企业")
    assert client.post(reverse("core:enterprise_add"), data).status_code == 302
    Job.objects.create(kind="export", user=inspector, title="我的导出任务", params={})
    page = client.get(reverse("home")).content.decode()
    assert "首页可见的企业" in page and "我的导出任务" in page


def test_buttons_follow_permission_and_scope(client, inspector, make_enterprise, monkeypatch):
    from django.db.models import Q

    mine = make_enterprise(region=HOME)
    partner = make_enterprise(region=OTHER, name="跨区参建企业")
    # Another app makes this enterprise visible (e.g. a party to a project in HOME): visible, not editable.
    monkeypatch.setattr("wagecase.core.models.enterprises.ENTERPRISE_SCOPE_EXTENSIONS", [lambda user: Q(pk=partner.pk)])
    client.force_login(inspector)
    context = client.get(mine.get_absolute_url()).context
    assert context["edit_url"] == reverse("core:enterprise_edit", args=[mine.pk]) and context["delete_url"] is None
    response = client.get(partner.get_absolute_url())
    assert response.status_code == 200 and response.context["edit_url"] is None
    assert client.get(reverse("core:enterprise_edit", args=[partner.pk])).status_code == 404


def test_superuser_sees_a_province_and_types_region_codes(client, make_user):
    superuser = make_user(Role.ADMIN, "62", is_superuser=True)
    client.force_login(superuser)
    response = client.get(reverse("core:region_detail", args=["62"]))
    assert response.status_code == 200 and response.context["object"].parent is None
    # Tens of thousands of regions in scope: the region is typed as a code, not picked from a list.
    form = client.get(reverse("core:enterprise_add")).context["form"]
    assert form.fields["region"].widget.input_type == "text"


def test_list_filter_choices_of_related_records_follow_scope(rf, inspector):
    import django_filters

    from wagecase.core.views.generic import ObjectListView

    class Filters(django_filters.FilterSet):
        region = django_filters.ModelChoiceFilter(queryset=Region.objects.all())

        class Meta:
            model = Enterprise
            fields = ["region"]

    class View(ObjectListView):
        queryset = Enterprise.objects.all()
        table_class = EnterpriseTable
        filterset_class = Filters

    request = rf.get("/", {"region": OTHER})
    request.user = inspector
    response = View.as_view()(request)
    field = response.context_data["filter"].form.fields["region"]
    assert set(field.queryset.values_list("code", flat=True)) == set(Region.objects.filter(code__startswith=HOME).values_list("code", flat=True))
    assert "region" in response.context_data["filter"].form.errors


def test_sidebar_marks_only_the_closest_item(client, inspector):
    """A case page lives under /clues/cases/: "arrears cases" is active there, not also "all clues"."""
    client.force_login(inspector)
    response = client.get("/clues/cases/")
    active = [url for group in response.context["nav_menu"] for _label, url, is_active in group["items"] if is_active]
    assert active == ["/clues/cases/"]
    response = client.get("/clues/")
    active = [url for group in response.context["nav_menu"] for _label, url, is_active in group["items"] if is_active]
    assert active == ["/clues/"]
