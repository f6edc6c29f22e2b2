"""trialmatch's command line: argument parsing and wiring only.

Every subcommand takes its options after the subcommand name. Library errors are turned into
messages on stderr and exit codes here: 0 all done, 1 done with some failures, 2 usage or fatal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from trialmatch import __version__
from trialmatch.registry import RegistrySettings

EXIT_OK, EXIT_PARTIAL, EXIT_FATAL = 0, 1, 2


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number >= 0")
    return value


def _registry_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("registry")
    g.add_argument(
        "--registry",
        default="api",
        metavar="api|PATH",
        help="'api' for the live ClinicalTrials.gov API v2 (default), or a snapshot directory or "
        ".zip of API v2 study JSON files",
    )
    g.add_argument(
        "--api-url",
        metavar="URL",
        help="API base URL (default: $TRIALMATCH_API_URL or https://clinicaltrials.gov/api/v2)",
    )
    g.add_argument(
        "--cache",
        metavar="PATH",
        type=Path,
        help="SQLite HTTP cache file (default: $TRIALMATCH_CACHE or the user cache directory)",
    )
    g.add_argument("--no-cache", action="store_true", help="do not use the HTTP cache")
    g.add_argument(
        "--cache-expire",
        metavar="HOURS",
        type=_non_negative_float,
        default=24.0,
        help="HTTP cache expiry in hours (default: 24)",
    )
    g.add_argument(
        "--rate",
        metavar="REQUESTS_PER_S",
        type=_non_negative_float,
        default=1.0,
        help="client-side rate limit in requests per second (default: 1, the site's "
        "Crawl-delay; 0 turns it off; cached answers are never throttled)",
    )
    return p


def _settings(args: argparse.Namespace) -> RegistrySettings:
    return RegistrySettings(
        source=args.registry,
        api_url=args.api_url,
        cache_path=args.cache,
        use_cache=not args.no_cache,
        cache_expire_hours=args.cache_expire,
        rate=args.rate,
    )


def _err(message: str) -> None:
    print(f"trialmatch: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------- lookup
def cmd_lookup(args: argparse.Namespace) -> int:
    from trialmatch.registry import RegistryError, open_registry
    from trialmatch.report import get_format

    try:
        with open_registry(_settings(args)) as registry:
            result = registry.get_many(args.nct_ids)
    except RegistryError as exc:
        _err(str(exc))
        return EXIT_FATAL
    for value in result.invalid:
        _err(f"{value!r} is not an NCT ID (expected NCT followed by 8 digits)")
    for nct_id in result.missing:
        _err(f"{nct_id}: not found in {registry.description}")
    for nct_id, message in result.errors.items():
        _err(f"{nct_id}: {message}")
    print(get_format(args.format).studies(result.studies))
    return EXIT_PARTIAL if (result.invalid or result.missing or result.errors) else EXIT_OK


# ---------------------------------------------------------------------------------- claims
def cmd_claims(args: argparse.Namespace) -> int:
    from trialmatch.claims.extract import extract_paths
    from trialmatch.report import get_format

    docs = list(extract_paths(args.paths, max_bytes=args.max_bytes))
    for doc in docs:
        if doc.error:
            _err(doc.error)
    print(get_format(args.format).claims(docs))
    return EXIT_PARTIAL if any(d.error for d in docs) else EXIT_OK


# ---------------------------------------------------------------------------------- check
def cmd_check(args: argparse.Namespace) -> int:
    import datetime as dt

    from trialmatch.claims.extract import extract_paths
    from trialmatch.matching import load_links
    from trialmatch.pipeline import check_document
    from trialmatch.registry import RegistryError, open_registry
    from trialmatch.report import get_format

    try:
        links = load_links(args.links) if args.links else None
    except (OSError, ValueError) as exc:
        _err(f"--links {args.links}: {exc}")
        return EXIT_FATAL
    run_date = dt.datetime.now(dt.UTC).date()  # one run date for every document of the run

    failed = False
    checked = []
    try:
        registry = open_registry(_settings(args))
    except RegistryError as exc:
        _err(f"--registry {args.registry}: {exc}")
        return EXIT_FATAL
    with registry:
        for doc in extract_paths(args.paths, max_bytes=args.max_bytes):
            if doc.error:
                _err(doc.error)
                failed = True
            try:
                checked.append(check_document(doc, registry, links=links, run_date=run_date))
            except RegistryError as exc:
                _err(f"{doc.doc}: registry lookup failed: {exc}")
                failed = True
    print(get_format(args.format).checks(checked))
    return EXIT_PARTIAL if failed else EXIT_OK


# ---------------------------------------------------------------------------------- batch
def cmd_batch(args: argparse.Namespace) -> int:
    from trialmatch.batch import EXIT_FATAL as FATAL
    from trialmatch.batch import BatchOptions, execute_batch

    options = BatchOptions(
        paths=tuple(args.paths),
        out_dir=args.out,
        registry=_settings(args),
        state_path=args.state,
        max_bytes=args.max_bytes,
        links_path=args.links,
        progress=None if args.progress == "auto" else args.progress == "on",
        rematch=args.rematch,
    )
    result = execute_batch(options)
    if result.exit_code == FATAL:
        _err(result.message)
    else:
        for error in result.errors:
            _err(f"{error['doc']}: {error['reason']}")
        if result.resumed:
            _err(f"resumed the unfinished run {result.run_dir}")
        # a summary line on stderr: cron mails it only when something is printed, so keep
        # quiet on a clean run that is not on a terminal
        if result.exit_code != EXIT_OK or sys.stderr.isatty():
            _err(result.message)
    return result.exit_code


# ---------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialmatch",
        description="Check what marketing says about clinical trials against ClinicalTrials.gov.",
    )
    parser.add_argument("--version", action="version", version=f"trialmatch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reg = _registry_options()

    def max_bytes_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--max-bytes",
            type=int,
            default=5 * 1024 * 1024,
            metavar="N",
            help="skip documents larger than N bytes with an error (default: 5 MB)",
        )

    p = sub.add_parser(
        "lookup",
        parents=[reg],
        help="print registry records by NCT ID",
        description="Print ClinicalTrials.gov records by NCT ID. Unknown or malformed IDs are "
        "reported on stderr and left out; the exit code is then 1.",
    )
    p.add_argument("nct_ids", nargs="+", metavar="NCT")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser(
        "claims",
        help="extract trial claims and marketing figures from documents",
        description="Extract every trial claim and every marketing figure from .txt, .md, .html "
        "and .pdf documents. Directories are read recursively.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    max_bytes_option(p)
    p.set_defaults(func=cmd_claims)

    p = sub.add_parser(
        "check",
        parents=[reg],
        help="extract claims, link them to registry records and compare fact by fact",
        description="Extract claims, link each to its ClinicalTrials.gov record (or say that no "
        "registered trial fits), and compare every claimed fact with the registered one.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument(
        "--links",
        type=Path,
        metavar="FILE",
        help="reviewer decisions: CSV with columns doc, claim_id, nct_id (or NONE)",
    )
    max_bytes_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "batch",
        parents=[reg],
        help="the nightly job: check a folder, write reports, track registry changes",
        description="Run over every document in the given folders and write a run folder "
        "DIR/<UTC timestamp>/ with findings.csv, claims.csv, studies.csv, changes.csv, "
        "findings.json, index.html, run.json and run.log; DIR/latest points at the newest "
        "complete run. Exit codes: 0 all done, 1 done with failures, 2 fatal.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="run-history SQLite file (default: in the user data directory)",
    )
    p.add_argument("--links", type=Path, metavar="FILE", help="reviewer decisions CSV")
    p.add_argument(
        "--rematch",
        action="store_true",
        help="link every document afresh, even unchanged ones (finds newly registered trials; "
        "by default an unchanged document keeps its links and is compared with refreshed records)",
    )
    p.add_argument(
        "--progress",
        choices=("auto", "on", "off"),
        default="auto",
        help="progress bar (default: auto, shown only on a terminal)",
    )
    max_bytes_option(p)
    p.set_defaults(func=cmd_batch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
