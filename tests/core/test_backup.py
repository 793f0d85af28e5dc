"""backup_db / restore_db: a dump of the seeded database, changes made after it, the restore puts every
record back as it was. PostgreSQL only (skipped on SQLite; CI's PostgreSQL phase runs it, and .ci/run
also restores a seeded database into a fresh one and compares row counts)."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import migration_data
from wagecase.core.models import Enterprise, Region, User

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore: PostgreSQL only")


@pytest.fixture
def regions(transactional_db):
    """The dump must be made of committed data, so the test is transactional; an earlier transactional
    test may have emptied the regions that migrations load (Gansu is enough here)."""
    migration_data.load_gansu_regions()


def test_backup_then_restore_puts_the_records_back(regions, make_user, make_enterprise, tmp_path):
    inspector = make_user(username="backup_inspector")
    kept = make_enterprise(name="天水备份测试建筑有限公司")
    dropped = make_enterprise(name="将被删除的公司")
    before = {"users": User.objects.count(), "enterprises": Enterprise.objects.count(), "regions": Region.objects.count()}

    dump = tmp_path / "wagecase.dump"
    out = io.StringIO()
    call_command("backup_db", "--output", str(dump), stdout=out)
    assert dump.stat().st_size > 1000 and str(dump) in out.getvalue()
    assert not list(tmp_path.glob("*.partial"))

    # After the backup: a record deleted, one changed, one added.
    dropped.delete()
    Enterprise.objects.filter(pk=kept.pk).update(name="改过的名字")
    make_enterprise(name="备份之后才有的公司")
    User.objects.filter(pk=inspector.pk).update(full_name="改名")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_db", str(dump), stdout=io.StringIO())
    assert Enterprise.objects.filter(name="改过的名字").exists()  # nothing restored without --yes

    call_command("restore_db", str(dump), "--yes", stdout=io.StringIO())
    after = {"users": User.objects.count(), "enterprises": Enterprise.objects.count(), "regions": Region.objects.count()}
    assert after == before
    assert set(Enterprise.objects.values_list("name", flat=True)) == {"天水备份测试建筑有限公司", "将被删除的公司"}
    assert User.objects.get(pk=inspector.pk).full_name == "backup_inspector"
    # Sequences come back too: a new record does not collide with a restored id.
    assert make_enterprise(name="恢复之后的新公司").pk


def test_restore_refuses_a_file_that_is_not_a_dump(regions, tmp_path):
    bogus = tmp_path / "not-a-dump"
    bogus.write_bytes(b"hello")
    count = Region.objects.count()
    with pytest.raises(CommandError, match="pg_restore"):
        call_command("restore_db", str(bogus), "--yes", stdout=io.StringIO())
    assert Region.objects.count() == count
