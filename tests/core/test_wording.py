"""Words that differ by what they name: a person's name is 姓名, a thing's 名称 (Worker.name and
CaseWorker.name read 名称 in forms, tables, history and the API's schema)."""
from django.utils import translation

from complaints.forms.cases import CaseWorkerForm
from complaints.models import CaseWorker
from projects.api.serializers import EmploymentSerializer
from projects.models import Project, Worker
from wagecase.core.models import Enterprise


def test_a_persons_name_is_xingming_and_a_things_mingcheng():
    with translation.override("zh-hans"):
        assert str(Worker._meta.get_field("name").verbose_name) == "姓名"
        assert str(CaseWorker._meta.get_field("name").verbose_name) == "姓名"
        assert str(CaseWorkerForm().fields["name"].label) == "姓名"
        assert str(EmploymentSerializer().fields["name"].label) == "姓名"
        assert str(Project._meta.get_field("name").verbose_name) == "名称"
        assert str(Enterprise._meta.get_field("name").verbose_name) == "名称"
