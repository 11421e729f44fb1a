"""A personal treatment calendar: real dates from the first day of cycle 1, and an .ics file.

The same rules run in the browser (``templates/theme/assets/calendar.js``) and here,
for ``hemismart-site calendar``; the tests check that both give the same events.

* Day *d* of cycle *c* falls on ``start + (c - 1) × cycle length + (d - 1)`` days.
* Cycle 1 uses the first timeline of content/schedule.yml; later cycles use the
  timeline that covers them (the one that ``repeats`` for every cycle after it).
* One all-day event per day on which the registry names at least one medicine;
  days the registry is unclear about are named as such, never as given.
* Medicines with no registered days (intrathecal therapy) make no events.
* An event's title begins with what happens that day (the medicines), so that a phone's month view
  shows them; an optional reminder (a time of day) adds an alarm at that time on each event's day.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from hemismart_site.grid import Grid, build_grids
from hemismart_site.localize import Localizer
from hemismart_site.model import Facts

PRODID = "-//hemismart-site//treatment calendar//EN"


@dataclass(frozen=True)
class TreatmentDay:
    """One calendar day with its medicines."""

    date: _dt.date
    cycle: int
    day: int
    given: tuple[str, ...]
    """Medicine ids the registry names for this day."""
    uncertain: tuple[str, ...]
    """Medicine ids the registry is unclear about on this day."""


def grid_for_cycle(grids: list[Grid], cycle: int) -> Grid:
    """The timeline that applies to cycle number ``cycle``."""
    for grid in reversed(grids):
        if cycle == grid.cycle.first_cycle or (grid.cycle.repeats and cycle >= grid.cycle.first_cycle):
            return grid
    raise ValueError(f"no timeline covers cycle {cycle}")


def treatment_days(facts: Facts, start: _dt.date, cycles: int) -> list[TreatmentDay]:
    """Every day with a medicine in cycles 1…``cycles``, from ``start`` (day 1 of cycle 1)."""
    if cycles < 1:
        raise ValueError("at least one cycle")
    grids = build_grids(facts)
    length = facts.schedule.cycle_length_days
    out = []
    for cycle in range(1, cycles + 1):
        grid = grid_for_cycle(grids, cycle)
        for day in grid.days:
            given = tuple(r.row.medicine for r in grid.rows if day in r.given_days)
            uncertain = tuple(r.row.medicine for r in grid.rows if day in r.uncertain_days)
            if given or uncertain:
                date = start + _dt.timedelta(days=(cycle - 1) * length + day - 1)
                out.append(TreatmentDay(date, cycle, day, given, uncertain))
    return out


def _medicines(l10n: Localizer, day: TreatmentDay) -> str:
    """The day's medicines in words: "Dasatinib, Venetoclax, Dasatinib (unclear in the registry: …)"."""
    names = [str(l10n.t(f"medicine.{m}.name")) for m in day.given]
    names += [str(l10n.t("calendar.uncertain_medicine", medicine=l10n.t(f"medicine.{m}.name"))) for m in day.uncertain]
    return str(l10n.t("list.separator")).join(names)


def event_summary(l10n: Localizer, day: TreatmentDay) -> str:
    """The event's title in the language, the medicines first: "Dasatinib, … · HEM-iSMART-B cycle 1, day 3"."""
    return str(l10n.t("calendar.event", cycle=l10n.number(day.cycle), day=l10n.number(day.day),
                      medicines=_medicines(l10n, day)))


def to_ics(l10n: Localizer, days: list[TreatmentDay], start: _dt.date, reminder: _dt.time | None = None) -> bytes:
    """An RFC 5545 calendar with one all-day event per treatment day; with ``reminder``, each event has an
    alarm at that time of its day (a trigger relative to the day's start, so it follows the phone's time zone)."""
    import html

    from icalendar import Alarm, Calendar, Event

    facts = l10n.facts
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", html.unescape(str(l10n.t("calendar.name"))))
    stamp = _dt.datetime(start.year, start.month, start.day, tzinfo=_dt.UTC)
    for day in days:
        event = Event()
        event.add("uid", f"{facts.trial.identifiers.nct_id}-{start.isoformat()}-c{day.cycle}-d{day.day}@hemismart-site")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + _dt.timedelta(days=1))
        event.add("summary", html.unescape(event_summary(l10n, day)))
        event.add("description", html.unescape(str(l10n.t("calendar.description"))))
        event.add("transp", "TRANSPARENT")
        if reminder is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", html.unescape(str(l10n.t("calendar.reminder_text", medicines=_medicines(l10n, day)))))
            alarm.add("trigger", _dt.timedelta(hours=reminder.hour, minutes=reminder.minute))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def pdf_name(facts: Facts, lang: str) -> str:
    """The file name of a language's printable calendar: ``hem-ismart-b-schedule-en.pdf``."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", facts.trial.identifiers.short_name.lower()).strip("-")
    return f"{slug}-schedule-{lang}.pdf"


def ics_name(facts: Facts) -> str:
    """The file name of a downloaded calendar: ``hem-ismart-b-calendar.ics``."""
    return pdf_name(facts, "x").replace("-schedule-x.pdf", "-calendar.ics")


def browser_data(l10n: Localizer) -> dict:
    """What calendar.js needs to compute the same dates and events in the browser."""
    import html
    import re

    facts = l10n.facts
    params = {k: html.unescape(str(v)) for k, v in l10n.params.items()}

    def text(key: str) -> str:
        raw = l10n.translations.strings[key]
        return re.sub(r"\{(\w+)\}", lambda m: params.get(m.group(1), m.group(0)), raw)

    def name(ident: str) -> str:
        return html.unescape(str(l10n.t(f"medicine.{ident}.name")))

    return {
        "lang": l10n.lang,
        "locale": str(l10n.locale).replace("_", "-"),
        "nct_id": facts.trial.identifiers.nct_id,
        "prodid": PRODID,
        "cycle_length": facts.schedule.cycle_length_days,
        "timelines": [
            {"first_cycle": g.cycle.first_cycle, "repeats": g.cycle.repeats,
             "rows": [{"medicine": r.row.medicine, "name": name(r.row.medicine),
                       "given": r.given_days, "uncertain": r.uncertain_days} for r in g.rows]}
            for g in build_grids(facts)
        ],
        "ics_name": ics_name(facts),
        "text": {key: text(f"calendar.{key}") for key in ("name", "event", "uncertain_medicine", "description", "missing_date",
                                                           "shown", "reminder_text")}
        | {"separator": l10n.translations.strings["list.separator"], "cycle": text("schedule.cycle_single")},
    }
