"""Loading the GB/T 2260 region list (province, city, county, township) into Region."""
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.tsv"
LEVELS = {2: "province", 4: "city", 6: "county", 9: "township"}
PARENT_LENGTH = {4: 2, 6: 4, 9: 6}


def read_rows(path=DATA_FILE):
    with open(path, encoding="utf-8") as data:
        for line in data:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t")
            yield code, name


def load_regions(region_model, path=DATA_FILE, batch_size=2000):
    """Upsert every region of the data file: create the missing, update those that differ. Works with the
    real or a migration's historical model. Returns (created, updated)."""
    names = dict(read_rows(path))
    existing = {code: rest for code, *rest in region_model.objects.values_list("code", "name", "level", "parent_id", "full_name")}
    to_create, to_update = [], []
    for code in sorted(names, key=lambda c: (len(c), c)):
        parent = code[: PARENT_LENGTH[len(code)]] if len(code) in PARENT_LENGTH else None
        if parent not in names:
            parent = None
        full = "".join(
            names[code[:n]] for n in (2, 4, 6, 9) if n <= len(code) and code[:n] in names and names[code[:n]] != "市辖区"
        )
        obj = region_model(code=code, name=names[code], level=LEVELS[len(code)], parent_id=parent, full_name=full)
        if code not in existing:
            to_create.append(obj)
        elif existing[code] != [obj.name, obj.level, obj.parent_id, obj.full_name]:  # only what changed
            to_update.append(obj)
    region_model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        region_model.objects.bulk_update(to_update, ["name", "level", "parent_id", "full_name"], batch_size=batch_size)
    return len(to_create), len(to_update)
