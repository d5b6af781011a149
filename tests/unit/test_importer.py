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
    assert p1.features == ("anc", "great camera", "holo display")  # as the shop wrote them (case and spacing only)
    assert p1.in_stock and p1.image_url == "https://img.example/p1.png" and p1.description == "A phone."
    assert p2.title == 'Zephyrix Tab, 11"' and p2.features == ("stylus", "portable") and not p2.in_stock
    assert p2.currency == "USD" and p2.image_url is None and p3.in_stock is False


def test_reads_a_good_json_catalog(tmp_path):
    rows = [{"id": "j1", "title": "J", "category": "Laptops", "brand": "Zen", "price": 999,
             "features": ["Portable", "GAMING"], "in_stock": False},
            {"id": 2, "title": "K", "category": "tvs", "brand": "Zen", "price": "10.5", "features": "hdr10|4K"}]
    for payload in (rows, {"items": rows}):
        j1, k = read_catalog(write(tmp_path, "catalog.json", json.dumps(payload)))
        assert j1.features == ("portable", "gaming") and j1.category == "laptops" and not j1.in_stock
        assert k.id == "2" and k.price == 10.5 and k.features == ("hdr10", "4k") and k.in_stock


@pytest.mark.parametrize("tag, expected", [
    ("  ANC ", "anc"), ("Great   Camera", "great camera"), ("4K", "4k"), ("Battery", "battery"),
    ("Holo Display", "holo display"), ("camera", "camera"), ("Water-Resistant", "water-resistant"),
])
def test_tags_are_kept_as_the_shop_wrote_them(tag, expected):
    """Only case and spacing change: "water-resistant" never becomes "waterproof" (a false promise)."""
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


# -- control characters are refused, naming line and field ------------------------------------
CONTROL_CSV = [
    ("NUL in title", HEADER + "p1,A\x00B,tvs,X,10,,,,,\n", 'catalog.csv line 2, field "title": contains a control '
     "character (U+0000 NUL) at character 2"),
    ("ESC in brand", HEADER + "p1,A,tvs,X,10,,,,,\np2,B,tvs,\x1b[31mX,10,,,,,\n",
     'catalog.csv line 3, field "brand": contains a control character (U+001B ESC)'),
    ("tab in id", HEADER + "p\t1,A,tvs,X,10,,,,,\n", 'line 2, field "id": contains a control character (U+0009 TAB)'),
    ("newline in title", HEADER + 'p1,"A\nB",tvs,X,10,,,,,\n', 'line 2, field "title": contains a control character'),
    ("NUL in description", HEADER + "p1,A,tvs,X,10,,,a\x00b,,\n", 'line 2, field "description": contains a control'),
    ("bell in features", HEADER + "p1,A,tvs,X,10,,wifi|\x07,,,\n", 'line 2, field "features": contains a control'),
    ("C1 in price", HEADER + "p1,A,tvs,X,1\x850,,,,,\n", 'line 2, field "price": contains a control character (U+0085'),
]


@pytest.mark.parametrize("case, text, message", CONTROL_CSV, ids=[c[0] for c in CONTROL_CSV])
def test_rejects_control_characters_in_csv_fields(tmp_path, case, text, message):
    with pytest.raises(ImportValidationError) as caught:
        read_catalog(write(tmp_path, "catalog.csv", text))
    assert message in str(caught.value)
    assert "\x00" not in str(caught.value) and "\x1b" not in str(caught.value)  # never echoed raw


def test_tab_and_newlines_are_allowed_inside_descriptions_only(tmp_path):
    (item,) = read_catalog(write(tmp_path, "catalog.csv", HEADER + 'p1,A,tvs,X,10,,,"Line one\r\n\tLine two",,\n'))
    assert item.description == "Line one Line two"


def test_rejects_control_characters_in_json_fields(tmp_path):
    rows = [{"id": "a\u0000", "title": "A", "category": "c", "brand": "b", "price": 1},
            {"id": "b", "title": "B", "category": "c", "brand": "b", "price": 1, "features": ["ok", "n\u0007o"]},
            {"id": "c", "title": "C", "category": "c", "brand": "b", "price": 1, "description": "x\ty\nz"},
            {"id": "d", "title": "D", "category": "c", "brand": "b", "price": 1, "bad\u0000key": 1}]
    with pytest.raises(ImportValidationError) as caught:
        read_catalog(write(tmp_path, "catalog.json", json.dumps(rows)))
    errors = caught.value.errors
    assert errors[0] == 'catalog.json item 1, field "id": contains a control character (U+0000 NUL) at character 2'
    assert errors[1].startswith('catalog.json item 2, field "features": contains a control character (U+0007')
    assert errors[2].startswith('catalog.json item 4, field "bad\\x00key": unknown field')
    assert len(errors) == 3  # the description with a tab and a newline is fine


def test_rejects_control_characters_in_interaction_logs_and_writes_nothing(store, tmp_path):
    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    before = store.counts()
    log = LOG_HEADER + "ann,p1,view,,2024-05-01T12:00:00Z,web\nbob\x00,p1,view,,2024-05-01T12:00:00Z,\n"
    with pytest.raises(ImportValidationError, match='log.csv line 3, field "user_id": contains a control character'):
        import_interactions(store, write(tmp_path, "log.csv", log))
    bad_catalog = HEADER + "n1,New,tvs,X,10,,,,,\nn2,B\x00,tvs,X,10,,,,,\n"
    with pytest.raises(ImportValidationError, match='line 3, field "title"'):
        import_catalog(store, write(tmp_path, "bad.csv", bad_catalog), replace=True)
    assert store.counts() == before


# -- --replace says what it deletes and asks first ---------------------------------------------
LOG_FOR_GOOD = LOG_HEADER + ("ann,p1,view,,2024-05-01T12:00:00Z,web\nann,p2,like,,1714564900,\n"
                             "bob,p2,view,,1714564901,\nbob,p3,view,,1714564902,\n")
ONLY_P3 = HEADER + "p3,Budget Buds,headphones,Acme,19.5,USD,wireless,,0,\n"


def test_plan_replace_counts_items_and_interactions_it_would_delete(store, tmp_path):
    from recommender.importer import plan_replace

    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    import_interactions(store, write(tmp_path, "log.csv", LOG_FOR_GOOD))
    plan = plan_replace(store, read_catalog(write(tmp_path, "new.csv", ONLY_P3)))
    assert (plan.item_ids, plan.items, plan.interactions, plan.kept_items) == (("p1", "p2"), 2, 3, 1)
    assert "deletes 2 stored item(s)" in plan.describe() and "3 interaction(s)" in plan.describe()
    assert not plan_replace(store, read_catalog(write(tmp_path, "same.csv", GOOD_CSV))).deletes_anything


def test_a_refused_confirmation_writes_nothing_and_asks_only_when_something_is_deleted(store, tmp_path):
    from recommender.importer import ImportCancelled

    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))
    import_interactions(store, write(tmp_path, "log.csv", LOG_FOR_GOOD))
    before, asked = store.counts(), []
    with pytest.raises(ImportCancelled):
        import_catalog(store, write(tmp_path, "new.csv", ONLY_P3), replace=True, confirm=lambda p: asked.append(p))
    assert store.counts() == before and asked[0].items == 2
    import_catalog(store, write(tmp_path, "same.csv", GOOD_CSV), replace=True, confirm=lambda p: 1 / 0)  # not asked
    result = import_catalog(store, write(tmp_path, "new.csv", ONLY_P3), replace=True, confirm=lambda p: True)
    assert result.removed_items == 2 and store.counts()["interactions"] == 1


def test_items_added_while_asking_cancel_the_replace(store, tmp_path):
    from recommender.importer import ImportCancelled

    import_catalog(store, write(tmp_path, "catalog.csv", GOOD_CSV))

    def someone_adds_an_item_meanwhile(plan):
        import_catalog(store, write(tmp_path, "extra.csv", HEADER + "x9,Extra,tvs,X,10,,,,,\n"))
        return True

    with pytest.raises(ImportCancelled, match="changed after the replace was confirmed"):
        import_catalog(store, write(tmp_path, "new.csv", ONLY_P3), replace=True, confirm=someone_adds_an_item_meanwhile)
    assert {i.id for i in store.load_items()} == {"p1", "p2", "p3", "x9"}  # nothing more was deleted


def _cli(args, url, **kwargs):
    import os
    import subprocess
    import sys

    from tests.conftest import BOT, ROOT

    env = dict(os.environ, PYTHONPATH=str(BOT))
    return subprocess.run([sys.executable, "-m", "recommender", *args, "--database-url", url],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs)


def _loaded_shop(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert _cli(["import-catalog", str(write(tmp_path, "catalog.csv", GOOD_CSV))], url).returncode == 0
    assert _cli(["import-interactions", str(write(tmp_path, "log.csv", LOG_FOR_GOOD))], url).returncode == 0
    return url, write(tmp_path, "new.csv", ONLY_P3)


def _counts(url):
    with Store(url) as s:
        return s.counts()


def test_cli_replace_without_a_terminal_or_yes_refuses_and_writes_nothing(tmp_path):
    import subprocess

    url, new = _loaded_shop(tmp_path)
    before = _counts(url)
    refused = _cli(["import-catalog", str(new), "--replace"], url, stdin=subprocess.DEVNULL)
    assert refused.returncode == 3, refused.stderr
    assert "refusing to replace the catalog without confirmation" in refused.stderr
    assert "deletes 2 stored item(s)" in refused.stderr and "3 interaction(s)" in refused.stderr
    assert "--yes" in refused.stderr and "imported" not in refused.stdout
    piped = _cli(["import-catalog", str(new), "--replace"], url, input="y\n")  # a pipe is no terminal either
    assert piped.returncode == 3 and _counts(url) == before

    done = _cli(["import-catalog", str(new), "--replace", "--yes"], url, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "deletes 2 stored item(s)" in done.stdout and "imported 1 items" in done.stdout and "removed 2" in done.stdout
    assert _counts(url)["items"] == 1 and _counts(url)["interactions"] == 1
    again = _cli(["import-catalog", str(new), "--replace"], url, stdin=subprocess.DEVNULL)  # deletes nothing: no question
    assert again.returncode == 0 and "removed 0" in again.stdout


@pytest.mark.parametrize("answer, confirmed", [("n\n", False), ("\n", False), ("yes\n", True)])
def test_cli_replace_in_a_terminal_asks_y_n(tmp_path, answer, confirmed):
    import os
    import pty

    url, new = _loaded_shop(tmp_path)
    before = _counts(url)
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode())
        done = _cli(["import-catalog", str(new), "--replace"], url, stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert "deletes 2 stored item(s)" in done.stderr and "Delete them? [y/N]" in done.stderr
    if confirmed:
        assert done.returncode == 0 and "removed 2" in done.stdout and _counts(url)["items"] == 1
    else:
        assert done.returncode == 3 and "nothing was imported" in done.stderr and _counts(url) == before


# -- hostile files (hypothesis): a file is imported whole or refused naming line and field -----
# Random field values with NUL, C0/C1 controls, lone surrogates (JSON "\ud800"), quotes, commas,
# line breaks and long runs; random bytes; random JSON shapes. Every file is either imported
# (and the store then holds no control character) or refused with ImportValidationError naming
# where, never echoing a raw control character, and leaving the store exactly as it was. Any
# other exception (a driver's ValueError, UnicodeEncodeError...) fails the test. Bounded for CI:
# about 40 examples each, no deadline (a few seconds in all, on SQLite).
from hypothesis import HealthCheck, event, given, settings  # noqa: E402 - the fuzz section is self-contained
from hypothesis import strategies as st  # noqa: E402

HOSTILE_CHARS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n", "\r", "\u2028", "\ufeff",
                 "\u202e", '"', ",", ";", "|", "\\", "'", "é", "漢", "😀"]
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def hostile_text(max_size: int = 40, surrogates: bool = False):
    alphabet = st.one_of(st.sampled_from(HOSTILE_CHARS),
                         st.characters(exclude_categories=() if surrogates else ("Cs",)))
    return st.text(alphabet=alphabet, max_size=max_size)


def _snapshot(store):
    return store.counts(), sorted((i.id, i.title, i.price, i.features, i.description) for i in store.load_items())


def _assert_refusal_is_clean(error: ImportValidationError) -> None:
    assert error.errors
    for line in error.errors:
        assert "Traceback" not in line
        assert not any(ch in line for ch in "\x00\x1b\x07"), ascii(line)
        line.encode("utf-8")  # printable on any terminal: no lone surrogate either


def _assert_stored_text_is_clean(store) -> None:
    import re

    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
    for item in store.load_items():
        for value in (item.id, item.title, item.brand, item.category, item.description or "", *item.features):
            assert not control.search(value), ascii(value)


@pytest.fixture
def sqlite_store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'fuzz.db'}") as s:
        s.migrate()
        import_catalog(s, write(tmp_path, "catalog.csv", GOOD_CSV))
        yield s


def _import_or_refuse(store, path, replace: bool) -> None:
    before = _snapshot(store)
    try:
        import_catalog(store, path, replace=replace, confirm=(lambda plan: True) if replace else None)
    except ImportValidationError as error:
        event("refused")
        _assert_refusal_is_clean(error)
        assert _snapshot(store) == before, "a refused file changed the store"
    else:
        event("imported")
        _assert_stored_text_is_clean(store)


SAFE_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ 019-_.'\",;|é漢😀")), min_size=1, max_size=30).filter(str.strip)
CLEAN_ROW = st.fixed_dictionaries({
    "id": st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), "title": SAFE_TEXT,
    "category": st.sampled_from(["tvs", "laptops"]), "brand": SAFE_TEXT, "price": st.sampled_from(["10", "9.99", "1200"]),
    "currency": st.sampled_from(["", "usd", "EUR"]), "features": st.sampled_from(["", "wifi|hdr", "stylus;PORTABLE"]),
    "description": st.one_of(st.just(""), SAFE_TEXT, st.just("two\r\n\tlines")),
    "in_stock": st.sampled_from(["", "yes", "no"]), "image_url": st.sampled_from(["", "https://img.example/a.png"])})
HOSTILE_FIELD = st.tuples(st.sampled_from(HEADER.strip().split(",")),
                          st.one_of(hostile_text(60), st.sampled_from(["-1", "1e400", "nan", "maybe", "javascript:x"])))


@FUZZ
@given(rows=st.lists(st.tuples(CLEAN_ROW, st.one_of(st.none(), HOSTILE_FIELD)), min_size=1, max_size=4),
       replace=st.booleans())
def test_fuzzed_csv_catalogs_are_imported_whole_or_refused_cleanly(sqlite_store, tmp_path_factory, rows, replace):
    import csv
    import io

    columns = HEADER.strip().split(",")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row, hostile in rows:
        if hostile is not None:
            row = dict(row, **{hostile[0]: hostile[1]})
        writer.writerow([row[c] for c in columns])
    path = tmp_path_factory.mktemp("csv") / "catalog.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    _import_or_refuse(sqlite_store, path, replace)


@FUZZ
@given(body=st.one_of(st.binary(max_size=300),
                      st.builds(lambda head, tail: head + tail, st.just(HEADER.encode()), st.binary(max_size=200))))
def test_fuzzed_bytes_are_refused_or_imported_never_crash(sqlite_store, tmp_path_factory, body):
    for name in ("catalog.csv", "catalog.json"):
        path = tmp_path_factory.mktemp("bytes") / name
        path.write_bytes(body)
        _import_or_refuse(sqlite_store, path, replace=False)


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text(30, True))
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                             st.dictionaries(hostile_text(8, True), inner, max_size=3)),
                          max_leaves=10)


@FUZZ
@given(items=st.lists(st.one_of(
    st.fixed_dictionaries({"id": st.one_of(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), hostile_text(8, True)),
                           "title": st.one_of(SAFE_TEXT, hostile_text(40, True)),
                           "category": st.sampled_from(["tvs", "laptops"]), "brand": st.one_of(SAFE_TEXT, JSON_LEAF),
                           "price": st.one_of(st.integers(-5, 10**13), JSON_LEAF)},
                          optional={"features": st.one_of(st.lists(hostile_text(10, True), max_size=3), JSON_VALUE),
                                    "description": hostile_text(80, True), "in_stock": JSON_LEAF}),
    JSON_VALUE), max_size=4), wrapped=st.booleans())
def test_fuzzed_json_catalogs_are_imported_whole_or_refused_cleanly(sqlite_store, tmp_path_factory, items, wrapped):
    path = tmp_path_factory.mktemp("json") / "catalog.json"
    path.write_text(json.dumps({"items": items} if wrapped else items), encoding="utf-8")  # ASCII: \\ud800 escapes
    _import_or_refuse(sqlite_store, path, replace=False)


def test_cli_refuses_a_nul_byte_naming_line_and_field_without_a_traceback(tmp_path):
    url, _ = _loaded_shop(tmp_path)
    before = _counts(url)
    bad = write(tmp_path, "bad.csv", GOOD_CSV + "p9,Nul\x00Phone,smartphones,Acme,10,,,,,\n")
    done = _cli(["import-catalog", str(bad)], url)
    assert done.returncode != 0
    assert 'line 5, field "title": contains a control character (U+0000 NUL)' in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    surrogate = write(tmp_path, "bad.json", '[{"id": "s1", "title": "A\\ud800", "category": "tvs", "brand": "X", '
                                            '"price": 1}]')
    done = _cli(["import-catalog", str(surrogate)], url)
    assert done.returncode != 0 and 'field "title": contains a lone surrogate' in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert _counts(url) == before
