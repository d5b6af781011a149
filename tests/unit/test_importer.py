"""Catalog and interaction-log importers: validation, normalisation, atomic writes, CLI."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import yaml

from recommender.importer import (
    MAX_ERRORS,
    ImportValidationError,
    import_catalog,
    import_files,
    import_interactions,
    normalise_feature,
    read_catalog,
    read_interactions,
)
from recommender.store import Store
from tests.conftest import run_cli

HEADER = "id,title,category,brand,price,currency,features,description,in_stock,image_url\n"
GOOD_CSV = HEADER + (
    "p1,Zephyrix One,Smartphones,Zephyrix,199.99,eur,ANC| Great Camera ;Holo Display,A phone.,yes,"
    "https://img.example/p1.png\n"
    'p2,"Zephyrix Tab, 11""",tablets,Zephyrix,349,,stylus;PORTABLE,,no,\n'
    "p3,Budget Buds,headphones,Acme,19.5,USD,wireless,,0,\n"
)
LOG_HEADER = "user_id,item_id,event,value,timestamp,source\n"


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(database_url):
    with Store(database_url) as s:
        s.migrate()
        yield s


# -- reading and normalisation ------------------------------------------------------------
def test_reads_a_good_csv_catalog(tmp_path):
    p1, p2, p3 = read_catalog(write(tmp_path, "catalog.csv", GOOD_CSV))
    assert (p1.id, p1.category, p1.brand, p1.price, p1.currency) == ("p1", "smartphones", "Zephyrix", 199.99, "EUR")
    assert p1.features == ("noise cancelling", "camera", "holo display")  # aliases -> canonical, unknown kept
    assert p1.in_stock and p1.image_url == "https://img.example/p1.png" and p1.description == "A phone."
    assert p2.title == 'Zephyrix Tab, 11"' and p2.features == ("stylus", "lightweight") and not p2.in_stock
    assert p2.currency == "USD" and p2.image_url is None and p3.in_stock is False


def test_reads_a_good_json_catalog(tmp_path):
    rows = [{"id": "j1", "title": "J", "category": "Laptops", "brand": "Zen", "price": 999,
             "features": ["Portable", "GAMING"], "in_stock": False},
            {"id": 2, "title": "K", "category": "tvs", "brand": "Zen", "price": "10.5", "features": "hdr10|4K"}]
    for payload in (rows, {"items": rows}):
        j1, k = read_catalog(write(tmp_path, "catalog.json", json.dumps(payload)))
        assert j1.features == ("lightweight", "gaming") and j1.category == "laptops" and not j1.in_stock
        assert k.id == "2" and k.price == 10.5 and k.features == ("hdr", "4k") and k.in_stock


@pytest.mark.parametrize("tag, expected", [
    ("  ANC ", "noise cancelling"), ("Great   Camera", "camera"), ("4K", "4k"), ("Battery", "battery life"),
    ("Holo Display", "holo display"), ("camera", "camera"),
])
def test_feature_normalisation(tag, expected):
    assert normalise_feature(tag) == expected


BAD_CATALOGS = [
    ("price", HEADER + "p1,A,tvs,X,10,,,,,\np2,B,tvs,X,abc,,,,,\n",
     'catalog.csv line 3, field "price": "abc" is not a number'),
    ("missing id", HEADER + "p1,A,tvs,X,10,,,,,\n,B,tvs,X,10,,,,,\n", 'catalog.csv line 3, field "id": is required'),
    ("duplicate id", HEADER + "p1,A,tvs,X,10,,,,,\np2,B,tvs,X,10,,,,,\np1,C,tvs,X,10,,,,,\n",
     'catalog.csv line 4, field "id": duplicate id "p1" (first used on line 2)'),
    ("in_stock", HEADER + "p1,A,tvs,X,10,,,,maybe,\n", 'line 2, field "in_stock": "maybe" is not one of'),
    ("negative", HEADER + "p1,A,tvs,X,-1,,,,,\n", 'line 2, field "price": "-1" is negative'),
    ("currency", HEADER + "p1,A,tvs,X,1,dollars,,,,\n", 'line 2, field "currency"'),
    ("columns", HEADER + "p1,A,tvs,X,1\n", "catalog.csv line 2: expected 10 columns, found 5"),
    ("header", "id,title,category,brand\np1,A,tvs,X\n", 'catalog.csv line 1: missing required column "price"'),
    ("unknown column", "id,title,category,brand,price,colour\np1,A,tvs,X,1,red\n", 'unknown column "colour"'),
    ("empty", "", "catalog.csv line 1: the file is empty"),
]


@pytest.mark.parametrize("case, text, message", BAD_CATALOGS, ids=[c[0] for c in BAD_CATALOGS])
def test_rejects_malformed_catalogs_naming_line_and_field(tmp_path, case, text, message):
    with pytest.raises(ImportValidationError) as caught:
        read_catalog(write(tmp_path, "catalog.csv", text))
    assert message in str(caught.value)
    assert "header is line 1" in str(caught.value)  # the numbering convention is stated


def test_json_errors_name_the_item_and_field(tmp_path):
    path = write(tmp_path, "catalog.json", json.dumps([{"id": "a", "title": "A", "category": "c", "brand": "b",
                                                        "price": "cheap"}, {"id": "b", "title": "B"}]))
    with pytest.raises(ImportValidationError) as caught:
        read_catalog(path)
    assert caught.value.errors == ['catalog.json item 1, field "price": "cheap" is not a number',
                                   'catalog.json item 2, field "category": is required',
                                   'catalog.json item 2, field "brand": is required',
                                   'catalog.json item 2, field "price": is required']
    with pytest.raises(ImportValidationError, match=r"catalog.json line 1, column \d+: invalid JSON"):
        read_catalog(write(tmp_path, "catalog.json", "[{"))


def test_collects_at_most_twenty_errors(tmp_path):
    text = HEADER + "".join(f"p{k},A,tvs,X,nope,,,,,\n" for k in range(50))
    with pytest.raises(ImportValidationError) as caught:
        read_catalog(write(tmp_path, "catalog.csv", text))
    assert len(caught.value.errors) == MAX_ERRORS and caught.value.truncated
    assert "there may be more" in str(caught.value)


def test_reads_interaction_timestamps_in_any_supported_form(tmp_path):
    text = LOG_HEADER + ("u1,p1,view,,2024-05-01T12:00:00Z,web\n"
                         "u1,p1,rating,4,2024-05-01T14:00:00+02:00,\n"
                         "u2,p1,Click,,1714564800,\n"
                         "u2,p1,purchase,,2024-05-01 12:00:00,\n")
    rows = read_interactions(write(tmp_path, "log.csv", text), {"p1"})
    noon = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert [r["timestamp"] for r in rows] == [noon] * 4
    assert [(r["event"], r["value"], r["source"]) for r in rows] == [
        ("view", None, "web"), ("rating", 4.0, "import"), ("click", None, "import"), ("purchase", None, "import")]


BAD_LOGS = [
    ("event", "u1,p1,teleport,,2024-05-01T12:00:00Z,\n", 'log.csv line 2, field "event": "teleport" is not a known event'),
    ("item", "u1,zz,view,,2024-05-01T12:00:00Z,\n", 'log.csv line 2, field "item_id": unknown item "zz"'),
    ("timestamp", "u1,p1,view,,yesterday,\n",
     'log.csv line 2, field "timestamp": "yesterday" is not an ISO-8601 timestamp or unix seconds'),
    ("value", "u1,p1,rating,lots,2024-05-01T12:00:00Z,\n", 'log.csv line 2, field "value": "lots" is not a number'),
    ("rating", "u1,p1,rating,,2024-05-01T12:00:00Z,\n", 'log.csv line 2, field "value": a rating needs a numeric value'),
    ("user", ",p1,view,,2024-05-01T12:00:00Z,\n", 'log.csv line 2, field "user_id": is required'),
]


@pytest.mark.parametrize("case, row, message", BAD_LOGS, ids=[c[0] for c in BAD_LOGS])
def test_rejects_malformed_interaction_logs(tmp_path, case, row, message):
    with pytest.raises(ImportValidationError) as caught:
        read_interactions(write(tmp_path, "log.csv", LOG_HEADER + row), {"p1"})
    assert message in str(caught.value)


# -- writing: all or nothing, on both backends ---------------------------------------------
def test_imports_catalog_and_log_into_the_store(store, tmp_path):
    result = import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    assert result.items == 3 and [i.id for i in store.load_items()] == ["p1", "p2", "p3"]
    log = write(tmp_path, "log.csv", LOG_HEADER + "ann,p1,view,,2024-05-01T12:00:00Z,web\nann,p2,like,,1714564900,\n")
    assert import_interactions(store, log).interactions == 2
    history = store.history(store.user_for_sender("rest", "ann"))
    assert [(e.item_id, e.event) for e in history] == [("p1", "view"), ("p2", "like")]


def test_nothing_is_written_when_any_row_is_invalid(store, tmp_path):
    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    before = store.counts()
    bad_catalog = HEADER + "n1,New,tvs,X,10,,,,,\np1,Renamed,tvs,X,10,,,,,\nn2,Bad,tvs,X,abc,,,,,\n"
    with pytest.raises(ImportValidationError, match='line 4, field "price"'):
        import_catalog(store, write(tmp_path, "bad.csv", bad_catalog), replace=True)
    bad_log = LOG_HEADER + "new-user,p1,view,,2024-05-01T12:00:00Z,\nu2,p1,view,,not-a-time,\n"
    with pytest.raises(ImportValidationError, match='line 3, field "timestamp"'):
        import_interactions(store, write(tmp_path, "bad_log.csv", bad_log))
    assert store.counts() == before
    assert store.load_items()[0].title == "Zephyrix One"


def test_the_write_is_one_transaction(store, tmp_path, monkeypatch):
    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    before, catalog_before = store.counts(), store.load_items()
    original = Store.import_interactions

    def fail_after_writing(self, rows):
        original(self, rows)  # rows are inserted ... and then the database write fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "import_interactions", fail_after_writing)
    new_catalog = write(tmp_path, "new.csv", HEADER + "q1,Q,tvs,Qualm,10,,,,,\n")
    log = write(tmp_path, "log.csv", LOG_HEADER + "ann,q1,view,,2024-05-01T12:00:00Z,\n")
    with pytest.raises(RuntimeError, match="disk full"):
        import_files(store, catalog=new_catalog, interactions=log, replace=True)
    assert store.counts() == before and store.load_items() == catalog_before  # the replace was rolled back too


def test_log_may_reference_the_catalog_being_imported_but_not_removed_items(store, tmp_path):
    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    new_catalog = write(tmp_path, "new.csv", HEADER + "q1,Q,tvs,Qualm,10,,,,,\n")
    log = write(tmp_path, "log.csv", LOG_HEADER + "ann,q1,view,,2024-05-01T12:00:00Z,\nann,p1,view,,1714564800,\n")
    assert import_files(store, catalog=new_catalog, interactions=log).interactions == 2
    with pytest.raises(ImportValidationError, match='line 3, field "item_id": unknown item "p1"'):
        import_files(store, catalog=new_catalog, interactions=log, replace=True)  # p1 would be removed


# -- the CLI end to end ------------------------------------------------------------------------
def test_cli_import_then_export_nlu(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    catalog = write(tmp_path, "catalog.csv", GOOD_CSV)
    done = run_cli("import-catalog", str(catalog), database_url=url)
    assert "imported 3 items" in done.stdout
    log = write(tmp_path, "log.csv", LOG_HEADER + "ann,p1,view,,2024-05-01T12:00:00Z,web\n")
    assert "imported 1 interactions" in run_cli("import-interactions", str(log), database_url=url).stdout

    bad = write(tmp_path, "bad.csv", HEADER + "p9,Bad,tvs,X,abc,,,,,\n")
    failed = run_cli("import-catalog", str(bad), database_url=url, check=False)
    assert failed.returncode == 2
    assert 'bad.csv line 2, field "price": "abc" is not a number' in failed.stderr

    out = tmp_path / "vocabulary.yml"
    run_cli("export-nlu", "--out", str(out), database_url=url)
    doc = yaml.safe_load(out.read_text())
    lookups = {entry["lookup"]: entry["examples"] for entry in doc["nlu"] if "lookup" in entry}
    assert "- Zephyrix" in lookups["brand"].splitlines()
    assert "- holo display" in lookups["feature"].splitlines()
    synonyms = {entry["synonym"]: entry["examples"] for entry in doc["nlu"] if "synonym" in entry}
    assert "- zephyrix" in synonyms["Zephyrix"].splitlines()

    stats = run_cli("stats", database_url=url).stdout
    assert "items: 3" in stats and "interactions: 1" in stats and "users: 1" in stats


def test_cli_load_demo_is_idempotent(demo_database_url):
    again = run_cli("load-demo", database_url=demo_database_url)
    assert "already loaded" in again.stdout
    stats = run_cli("stats", database_url=demo_database_url).stdout
    counts = dict(line.split(": ", 1) for line in stats.splitlines())
    assert int(counts["items"]) > 100 and int(counts["interactions"]) > 10_000
