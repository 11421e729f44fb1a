"""The command line: ``hemismart-site build | serve | check | calendar | import-registry | drift | translations``.

Each command parses its options and calls one function. Problems with
the content print one per line (``file:line: key: message``) and exit 1,
never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hemismart_site import __version__
from hemismart_site.errors import BuildError, ContentError, UsageError

EPILOG = "Content problems are printed as file:line: key: message; the exit code is then 1."


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    _log_to_stderr()
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"{parser.prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        print("The previous site was left untouched.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _log_to_stderr() -> None:
    """Warnings of the pipeline (and of MkDocs, passed on by it) go to standard error, one per line."""
    import logging

    logger = logging.getLogger("hemismart_site")
    if not any(getattr(h, "_hemismart", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._hemismart = True
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hemismart-site",
        description="Build the HEM-iSMART-B trial information site from content/ and templates/.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    build = commands.add_parser("build", help="validate, render every language and build the site into site/",
                                description="Validate content/, render every page of every language, build each "
                                            "language with MkDocs, and replace site/ only if everything succeeded.",
                                epilog=EPILOG)
    _root_option(build)
    build.add_argument("--strict", action="store_true", help="treat MkDocs warnings (broken links or anchors) as errors")
    build.add_argument("--site-dir", type=Path, default=None, help="where to put the site (default: site/ under --root)")
    build.add_argument("--no-pdf", dest="pdf", action="store_false",
                       help="skip printing the calendar PDFs with Chromium (their links then lead nowhere)")
    build.add_argument("--lang", action="append", dest="languages", metavar="CODE",
                       help="build only this language (repeatable; default: every language in site_config.yml); "
                            "the other languages' pages of the previous site are kept")
    build.add_argument("--site-url", default=None, metavar="URL",
                       help="the site's public address, instead of site_url in site_config.yml (the publishing workflow "
                            "passes the address GitHub Pages gives it)")
    build.add_argument("--publish", action="store_true",
                       help="this build is to be published: refuse a placeholder address (example.org, localhost)")
    build.set_defaults(run=_build)

    serve = commands.add_parser("serve", help="live preview of one language; re-renders when content/ or templates/ change",
                                description="Preview one language at http://ADDRESS/. Editing content/ or templates/ "
                                            "re-renders the pages and reloads the browser.", epilog=EPILOG)
    _root_option(serve)
    serve.add_argument("--lang", default=None, metavar="CODE", help="language to preview (default: the source language)")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="address to serve on (default: %(default)s)")
    serve.set_defaults(run=_serve)

    check = commands.add_parser("check", help="validate content/ and the translations; write nothing",
                                description="Validate site_config.yml, content/ and every language's translations, "
                                            "and render every page in memory. Writes nothing.", epilog=EPILOG)
    _root_option(check)
    check.set_defaults(run=_check)

    calendar = commands.add_parser("calendar", help="write a personal treatment calendar (.ics) from a start date",
                                   description="Write an iCalendar file with one all-day event per treatment day, "
                                               "naming that day's medicines, for cycles 1 to N, starting on the "
                                               "first day of cycle 1. The same events as the schedule page makes "
                                               "in the browser.", epilog=EPILOG)
    _root_option(calendar)
    calendar.add_argument("--start", required=True, type=_iso_date, metavar="YYYY-MM-DD", help="the first day of cycle 1")
    calendar.add_argument("--cycles", type=int, default=None, metavar="N",
                          help="how many cycles in all, cycle 1 included (default: calendar.default_cycles in site_config.yml)")
    calendar.add_argument("--lang", default=None, metavar="CODE", help="language of the event titles (default: the source language)")
    calendar.add_argument("--reminder", type=_time, default=None, metavar="HH:MM",
                          help="add a reminder at this time on each treatment day (default: none)")
    calendar.add_argument("-o", "--output", type=Path, default=None, metavar="FILE", help="where to write the .ics (default: standard output)")
    calendar.set_defaults(run=_calendar)

    imp = commands.add_parser("import-registry", help="update the registry-derived facts in content/ from a ClinicalTrials.gov record",
                              description="Read a ClinicalTrials.gov API v2 study record (JSON) and write its facts into "
                                          "content/trial.yml, eligibility.yml and sites.yml. Curated keys (slugs, "
                                          "intervention ids and routes, thresholds, the families' summary, dose levels) "
                                          "and the files' comments and key order are kept; a new site gets a slug from its "
                                          "facility, a site no longer in the record is removed (both are reported). "
                                          "Importing the same record again changes nothing. A malformed record, or a "
                                          "record of another trial than content/ holds, is reported with its JSON path "
                                          "and nothing is written.",
                              epilog="Exit code 0: imported (or nothing to change); 1: the record is malformed (nothing "
                                     "written) or the written content/ does not validate yet (the problems are listed).")
    _root_option(imp)
    imp.add_argument("record", type=Path, metavar="RECORD.json", help="the record, as https://clinicaltrials.gov/api/v2/studies/NCT… returns it")
    imp.add_argument("--checked", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                     help="the date written as source.checked when a fact changes (default: today)")
    imp.set_defaults(run=_import)

    drift = commands.add_parser("drift", help="compare content/ with a ClinicalTrials.gov record, field by field",
                                description="Import the record in memory and print every registry-derived fact that "
                                            "differs from content/ (a site's status, a new or removed site, a contact, "
                                            "a criterion, the last-update date). Writes nothing.",
                                epilog="Exit code 0: in sync; 1: content/ differs from the record; 2: the record or "
                                       "content/ cannot be read (the problems are listed).")
    _root_option(drift)
    drift.add_argument("record", type=Path, metavar="RECORD.json", help="the record to compare with")
    drift.add_argument("--format", choices=("text", "markdown"), default="text",
                       help="text (default) or markdown, e.g. for $GITHUB_STEP_SUMMARY")
    drift.set_defaults(run=_drift)

    translations = commands.add_parser("translations", help="translation status for translators",
                                       description="What each language's translator has to look at.", epilog=EPILOG)
    translations.set_defaults(run=lambda _args: (translations.print_help(), 2)[1])
    actions = translations.add_subparsers(title="actions", metavar="ACTION")
    status = actions.add_parser("status", help="per language: review status, missing, obsolete or mismatched keys, "
                                                "and texts whose English changed since they were translated",
                                description="For every language (or those named): its review status, keys missing "
                                            "or no longer in English, placeholders that differ, and every text whose "
                                            "English changed since it was translated (the words that changed, old and new).",
                                epilog="Exit code 0: nothing to do; 1: something is listed.")
    _root_option(status)
    status.add_argument("languages", nargs="*", metavar="LANG", help="languages to report (default: all but the source)")
    status.set_defaults(run=_translations_status)
    done = actions.add_parser("done", help="record that texts of a language were translated from the English as it is now",
                              description="After updating translations, record for each text the English it was made "
                                          "from (made_from: in the language's file). Nothing else in the file changes.")
    _root_option(done)
    done.add_argument("lang", metavar="LANG", help="the language")
    done.add_argument("keys", nargs="*", metavar="KEY", help="the texts updated (dotted keys, e.g. families.intro)")
    done.add_argument("--all", action="store_true", help="every text of the language")
    done.set_defaults(run=_translations_done)
    return parser


def _root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding content/, templates/ and site_config.yml (default: .)")


def _build(args: argparse.Namespace) -> int:
    from hemismart_site.build import build_site

    start = time.monotonic()
    result = build_site(args.root, strict=args.strict, site_dir=args.site_dir, languages=args.languages, pdf=args.pdf,
                        site_url=args.site_url, publish=args.publish)
    seconds = time.monotonic() - start
    print(f"Built {result.pages} HTML pages in {len(result.languages)} language(s) "
          f"({', '.join(result.languages)}) into {result.site_dir} in {seconds:.1f} s.")
    if result.kept:
        print(f"Kept the previous build of {', '.join(result.kept)} (not rebuilt: build without --lang to rebuild all).")
    return 0


def _check(args: argparse.Namespace) -> int:
    from hemismart_site.check import check_content

    report = check_content(args.root)
    print(report)
    return 0


def _time(text: str):
    import datetime
    import re

    if not re.fullmatch(r"\d{2}:\d{2}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a time written HH:MM")
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day") from None


def _iso_date(text: str):
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _calendar(args: argparse.Namespace) -> int:
    from hemismart_site.calendar import to_ics, treatment_days
    from hemismart_site.localize import localizer
    from hemismart_site.validate import load_project

    project = load_project(args.root)
    config = project.config
    lang = args.lang or config.source_language
    if lang not in config.languages:
        raise UsageError(f"--lang {lang}: not a language in site_config.yml ({', '.join(config.languages)})")
    cycles = args.cycles if args.cycles is not None else config.calendar.default_cycles
    if not config.calendar.min_cycles <= cycles <= config.calendar.max_cycles:
        raise UsageError(f"--cycles {cycles}: must be from {config.calendar.min_cycles} to {config.calendar.max_cycles}")
    l10n = localizer(project, lang)
    data = to_ics(l10n, treatment_days(project.facts, args.start, cycles), args.start, args.reminder)
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"Wrote {args.output} ({cycles} cycle(s) from {args.start.isoformat()}, {lang}).", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    import datetime

    from hemismart_site.drift import changes_of, override_notes
    from hemismart_site.importer import import_record, keep_record, log_changes, write_import
    from hemismart_site.validate import load_project

    imported = import_record(args.record, args.root, args.checked or datetime.date.today())
    changes = changes_of(imported)
    write_import(imported, args.root)
    logged = log_changes(imported, changes, args.root)
    keep_record(args.record, args.root)
    for line in [c.text() for c in changes] + [f"note: {n}" for n in imported.notes]:
        print(line)
    written = ", ".join(f"content/{n}" for n in imported.changed) or "nothing (content/ already matches the record)"
    print(f"{len(changes)} change(s) from {args.record}; written: {written}.")
    if logged:
        print(f"{logged} entr{'y' if logged == 1 else 'ies'} added to content/changes.yml (the 'What changed' page and feeds).")
    for note in override_notes(args.root, args.record):  # kept: import never touches content/overrides.yml
        print(note.text())
    try:
        load_project(args.root)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s): the facts were imported, but content/ does not validate yet; "
              "fix these (curated parts the registry does not hold) before building.", file=sys.stderr)
        return 1
    return 0


def _drift(args: argparse.Namespace) -> int:
    from hemismart_site.drift import drift, override_notes, report

    try:
        changes = drift(args.record, args.root)
        notes = override_notes(args.root, args.record)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; cannot compare.", file=sys.stderr)
        return 2
    print(report(changes, args.record, args.format, notes))
    return 1 if changes or any(n.flag for n in notes) else 0


def _translations_status(args: argparse.Namespace) -> int:
    from hemismart_site.translations import status_report

    report, work = status_report(args.root, args.languages or None)
    print(report)
    return 1 if work else 0


def _translations_done(args: argparse.Namespace) -> int:
    from hemismart_site.translations import record_done

    if not args.all and not args.keys:
        raise UsageError("name the texts (KEY…) the translator updated, or --all")
    count = record_done(args.root, args.lang, None if args.all else args.keys)
    print(f"Recorded {count} text(s) of {args.lang} as translated from the English as it is now.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from hemismart_site.serve import serve

    serve(args.root, lang=args.lang, dev_addr=args.dev_addr)
    return 0
