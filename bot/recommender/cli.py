"""Command line for operating the store: ``python -m recommender <command>``.

Migrate the database, load the demo shop, import a shop's own catalog and logs, export
the NLU vocabulary for ``rasa train``, and print row counts.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional

from sqlalchemy.engine import make_url

from .importer import (
    ImportCancelled,
    ImportValidationError,
    ReplacePlan,
    import_catalog,
    import_files,
    import_interactions,
)
from .nlu_export import DEFAULT_ANSWERS_PATH, DEFAULT_NLU_PATH, write_nlu_vocabulary
from .store import Store, default_database_url
from .vocabulary import build_vocabulary

EXIT_INVALID = 2
EXIT_NOT_CONFIRMED = 3


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def cmd_migrate(store: Store, args: argparse.Namespace) -> int:
    print(f"{_shown(store.url)}: schema at revision {store.migrate()}")
    return 0


def cmd_load_demo(store: Store, args: argparse.Namespace) -> int:
    from .demo import load_demo_catalog
    from .demo.interactions import generate_interactions
    from .shop import demo_documents

    started = time.perf_counter()
    store.migrate()
    items = load_demo_catalog()
    if args.if_empty and store.item_ids():
        print("the store already has a catalog; the demo is loaded only into an empty one")
        return 0
    documents = demo_documents(items)
    if not args.force and store.item_ids() == {i.id for i in items} and store.counts()["interactions"] \
            and all(store.shop_document(name) == doc for name, doc in documents.items()):
        print("demo catalog already loaded; nothing to do (use --force to reload)")
        return 0
    rows = generate_interactions(items, n_users=args.users, seed=args.seed)
    with store.transaction():
        removed = store.replace_catalog(items)
        store.put_shop_documents(documents)
        for source in sorted({row["source"] for row in rows}):
            store.delete_interactions(source)
        written = store.import_interactions(rows)
    print(
        f"loaded {len(items)} demo items ({removed} old items removed) and {written} interactions "
        f"from {len({r['user_id'] for r in rows})} users in {time.perf_counter() - started:.1f}s"
    )
    return 0


def _interactive() -> bool:
    """True when a person can answer a question: stdin is a terminal."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _confirm_replace(args: argparse.Namespace):
    """The ``confirm`` callback for ``import-catalog --replace``: --yes, a y/N prompt, or refuse."""

    def confirm(plan: ReplacePlan) -> bool:
        if args.yes:
            print(f"{plan.describe()}; going ahead (--yes)")
            return True
        if not _interactive():
            print(
                f"refusing to replace the catalog without confirmation: {plan.describe()}. "
                "Run it in a terminal to be asked, or pass --yes; nothing was imported.",
                file=sys.stderr,
            )
            return False
        print(plan.describe() + ".", file=sys.stderr)
        print("Delete them? [y/N] ", end="", file=sys.stderr, flush=True)
        try:
            answer = sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            answer = ""
        if answer.strip().lower() in {"y", "yes"}:
            return True
        print("not confirmed; nothing was imported", file=sys.stderr)
        return False

    return confirm


def cmd_import_catalog(store: Store, args: argparse.Namespace) -> int:
    store.migrate()
    confirm = _confirm_replace(args) if args.replace else None
    try:
        result = import_catalog(store, args.path, replace=args.replace, confirm=confirm)
    except ImportCancelled as exc:
        if "not confirmed" not in str(exc):  # the callback has already said why
            print(str(exc), file=sys.stderr)
        return EXIT_NOT_CONFIRMED
    extra = f", removed {result.removed_items}" if args.replace else ""
    print(f"imported {result.items} items from {args.path}{extra}")
    return 0


def cmd_import_shop(store: Store, args: argparse.Namespace) -> int:
    """A shop folder: catalog, and its profile, vocabulary and answers files, checked, then written at once."""
    from .importer import read_catalog
    from .shop import ShopFileError, find_catalog, read_shop_dir

    store.migrate()
    try:
        catalog = find_catalog(args.path)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    items = read_catalog(catalog)
    try:
        files = read_shop_dir(args.path, items)
    except ShopFileError as exc:
        print(f"{args.path}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        result = import_files(store, catalog=files.catalog, interactions=files.interactions, replace=True,
                              confirm=_confirm_replace(args), documents=files.documents)
    except ImportCancelled as exc:
        if "not confirmed" not in str(exc):
            print(str(exc), file=sys.stderr)
        return EXIT_NOT_CONFIRMED
    from .shop import ANSWER_TOPICS, ANSWERS, unreachable_topics

    for topic in unreachable_topics(files.documents.get(ANSWERS)):
        print(f"note: shop_answers.yml: {topic}: kept, but no shopper question reaches it yet (the known topics: "
              f"{', '.join(ANSWER_TOPICS)}; a new one needs examples under faq/{topic} in bot/data/shop_talk.yml)")
    given = [name for name, doc in files.documents.items() if doc is not None]
    print(f"imported the shop in {args.path}: {result.items} items ({result.removed_items} old items removed), "
          f"{result.interactions} interactions, documents: {', '.join(given) or 'none'}")
    return 0


def cmd_import_interactions(store: Store, args: argparse.Namespace) -> int:
    store.migrate()
    result = import_interactions(store, args.path)
    print(f"imported {result.interactions} interactions from {args.path}")
    return 0


def cmd_export_nlu(store: Store, args: argparse.Namespace) -> int:
    items = store.load_items()
    if not items:
        print("the catalog is empty; import one first", file=sys.stderr)
        return 1
    from .shop import ANSWERS, VOCABULARY
    from .nlu_export import write_shop_answers

    vocab = build_vocabulary(items, store.shop_document(VOCABULARY))
    export = write_nlu_vocabulary(vocab, args.out)
    answers_out = args.answers_out or Path(args.out).with_name(DEFAULT_ANSWERS_PATH.name)
    answers = write_shop_answers(store.shop_document(ANSWERS), answers_out)
    print(f"wrote {answers_out}: {answers} shop answers")
    print(
        f"wrote {args.out}: {len(vocab.brands)} brands, {len(vocab.categories)} categories, "
        f"{len(vocab.features)} features"
    )
    for collision in export.collisions:
        print(f"  left out ambiguous synonym: {collision}")
    return 0


def cmd_stats(store: Store, args: argparse.Namespace) -> int:
    print(f"database: {_shown(store.url)}")
    for name, count in store.counts().items():
        print(f"{name}: {count}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        help="SQLAlchemy URL (default: $CONCIERGE_DATABASE_URL or sqlite var/concierge.db)",
    )
    parser = argparse.ArgumentParser(prog="python -m recommender", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    add("migrate", cmd_migrate, "create or upgrade the database schema")
    demo = add("load-demo", cmd_load_demo, "load the demo catalog and synthetic interactions")
    demo.add_argument("--users", type=int, default=2000, help="simulated shoppers (default 2000)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument("--force", action="store_true", help="reload even if already loaded")
    demo.add_argument("--if-empty", action="store_true", help="only into a store with no catalog (set-up scripts)")
    catalog = add("import-catalog", cmd_import_catalog, "import a catalog file (.csv or .json)")
    catalog.add_argument("path", type=Path)
    catalog.add_argument(
        "--replace",
        action="store_true",
        help="remove stored items not in the file (and their interactions); says how many and asks first",
    )
    catalog.add_argument(
        "--yes", "-y", action="store_true", help="with --replace: delete without asking (for scripts)"
    )
    shop = add("import-shop", cmd_import_shop,
               "replace the catalog with a shop folder's (catalog.csv|json, shop.yml, vocabulary.yml, shop_answers.yml)")
    shop.add_argument("path", type=Path)
    shop.add_argument("--yes", "-y", action="store_true", help="delete the old catalog without asking (for scripts)")
    logs = add("import-interactions", cmd_import_interactions, "import an interaction log (.csv)")
    logs.add_argument("path", type=Path)
    nlu = add("export-nlu", cmd_export_nlu, "write the NLU vocabulary (lookups, synonyms) for rasa train")
    nlu.add_argument("--out", type=Path, default=DEFAULT_NLU_PATH, help=f"default: {DEFAULT_NLU_PATH}")
    nlu.add_argument("--answers-out", type=Path, default=None,
                     help=f"the shop's answers as Rasa responses (default: {DEFAULT_ANSWERS_PATH.name} beside --out)")
    add("stats", cmd_stats, "print row counts")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    store = Store(args.database_url or default_database_url())
    try:
        return args.handler(store, args)
    except ImportValidationError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    finally:
        store.close()
