"""The trial facts, one model per file in ``content/``, one docstring per field.

Every fact the site shows lives here once. Fields that copy the
ClinicalTrials.gov record keep its wording and its codes (``RECRUITING``,
``PHASE1``); fields the trial office curates (slugs, routes in plain
words, structured thresholds, the schedule) say so in their docstring.
The editor's guide in the README is checked against these docstrings.

Cross-field rules (unique ids, references that must exist) live in
:mod:`hemismart_site.validate`, which also turns pydantic's errors into
``file:line: key: message`` problems.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
)

# --------------------------------------------------------------------------
# Small value types
# --------------------------------------------------------------------------


def _parse_date(value: object) -> object:
    """Turn ``YYYY-MM-DD`` text into a real date; say what is wrong otherwise."""
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def _parse_date_or_month(value: object) -> object:
    """A full date (YYYY-MM-DD) as a date, or a month (YYYY-MM) kept as text: the registry gives some dates as a month."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return value
    return _parse_date(value)


def _parse_month(value: object) -> object:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError(f"{value!r} is not a month written YYYY-MM")
    return value


def _check_number(value: object) -> int | float:
    """A YAML number (whole or decimal), kept as written; text and true/false are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r}")
    return value


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", value):
        raise ValueError(f"{value!r} is not a well-formed e-mail address")
    return value


def _check_phone(value: str) -> str:
    """A phone number as the registry writes it: any text with a digit in it (``(919) 321-3326``, ``+66-2-866-0225;``).
    No registry number can break the build: the pages format it and link it (``tel:``) when the phonenumbers library
    can read it, and show it as written, without a link, when it cannot."""
    if not re.search(r"\d", value) or len(value) > 60 or "\n" in value:
        raise ValueError(f"{value!r} is not a phone number (no digit, a line break, or longer than 60 characters)")
    return value


def _check_slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise ValueError(f"{value!r} is not a slug (lower-case letters a-z, digits and single hyphens)")
    return value


def _check_url(value: str) -> str:
    if not re.fullmatch(r"https://[^\s/$.?#].[^\s]*", value):
        raise ValueError(f"{value!r} is not an https:// address")
    return value


Date = Annotated[_dt.date, BeforeValidator(_parse_date)]
DateOrMonth = Annotated[_dt.date | str, BeforeValidator(_parse_date_or_month)]
Month = Annotated[str, BeforeValidator(_parse_month)]
Email = Annotated[StrictStr, AfterValidator(_check_email)]
Phone = Annotated[StrictStr, AfterValidator(_check_phone)]
Slug = Annotated[StrictStr, AfterValidator(_check_slug)]
Url = Annotated[StrictStr, AfterValidator(_check_url)]
Text = Annotated[StrictStr, Field(min_length=1)]
Number = Annotated[float, PlainValidator(_check_number)]

DateType = Literal["ACTUAL", "ESTIMATED"]
OverallStatus = Literal[
    "NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING",
    "SUSPENDED", "TERMINATED", "COMPLETED", "WITHDRAWN", "UNKNOWN",
]
Phase = Literal["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"]
OrgClass = Literal["NIH", "FED", "OTHER_GOV", "INDIV", "INDUSTRY", "NETWORK", "AMBIG", "OTHER", "UNKNOWN"]
Route = Literal["oral", "intravenous", "intrathecal", "subcutaneous", "intramuscular"]


class Strict(BaseModel):
    """Base: unknown keys are errors, docstrings become field descriptions."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


class DatedFact(Strict):
    """A registry date with its ACTUAL/ESTIMATED flag."""

    date: DateOrMonth
    """The date as the registry gives it: YYYY-MM-DD, or a month YYYY-MM (shown as a month)."""
    type: DateType | None = None
    """ACTUAL when it happened, ESTIMATED when it is a plan; none when the registry does not say."""

    @property
    def first_day(self) -> _dt.date:
        """The date, or the first day of its month (for comparisons)."""
        return self.date if isinstance(self.date, _dt.date) else _dt.date.fromisoformat(f"{self.date}-01")


class Count(Strict):
    """A number with its ACTUAL/ESTIMATED flag (the enrolment)."""

    count: Annotated[StrictInt, Field(ge=0)]
    """How many participants."""
    type: DateType
    """ACTUAL when counted, ESTIMATED when planned."""


class Organisation(Strict):
    """An organisation named by the registry."""

    name: Text
    """Its name, as the registry writes it."""
    org_class: OrgClass = Field(alias="class")
    """The registry's class of organisation (OTHER, INDUSTRY, NIH, …)."""


class Source(Strict):
    """Where a file's registry-derived facts come from (written by ``hemismart-site import-registry``)."""

    record: Annotated[StrictStr, Field(pattern=r"^NCT\d{8}$")]
    """The registry record the facts were taken from (its NCT number)."""
    last_update_posted: Date
    """The record's lastUpdatePostDateStruct.date: the version of the record the facts match."""
    checked: Date
    """When content/ was last brought in line with the record (changes only when a fact changed)."""
    from_: Annotated[dict[StrictStr, Text], Field(alias="from")]
    """Each registry-derived key of this file and the record path it comes from (see hemismart_site/mapping.py)."""


# --------------------------------------------------------------------------
# content/trial.yml
# --------------------------------------------------------------------------


class Registry(Strict):
    """Where the facts come from and when the registry last changed them."""

    name: Text
    """The registry's name, shown on every page (ClinicalTrials.gov)."""
    record_url: Url
    """The public page of this study in the registry."""
    last_update_posted: DatedFact
    """lastUpdatePostDateStruct: when the registry last published a change; shown on every page."""
    last_update_submitted: Date | None = None
    """lastUpdateSubmitDate: when the sponsor last submitted a change."""
    first_submitted: Date | None = None
    """studyFirstSubmitDate."""
    first_posted: DatedFact | None = None
    """studyFirstPostDateStruct."""
    status_verified: Month | None = None
    """statusVerifiedDate, a month (YYYY-MM)."""
    has_results: StrictBool = False
    """hasResults: the registry has posted results (the pages then say so, with the registry's link)."""


class Identifiers(Strict):
    """The names and numbers of the study."""

    nct_id: Annotated[StrictStr, Field(pattern=r"^NCT\d{8}$")]
    """The ClinicalTrials.gov number, NCT and eight digits."""
    eu_ct_number: Annotated[StrictStr, Field(pattern=r"^\d{4}-\d{6}-\d{2}-\d{2}$")] | None
    """The EU clinical trial number (CTIS), e.g. 2022-501866-22-00 (the record's orgStudyIdInfo, or a secondary id of type CTIS); null when the record has none."""
    acronym: Text | None = None
    """The registry's acronym (``HEM-iSMART B``), if it has one."""
    short_name: Text
    """The name used in page titles and headings (curated; the brief title's own spelling; a new trial starts
    from the acronym, or from the NCT number when there is none)."""
    brief_title: Text
    """The registry's brief title, verbatim."""
    official_title: Text
    """The registry's official title, verbatim."""
    organization: Organisation
    """The organisation that registered the study."""


class Status(Strict):
    """Recruitment status and the study's key dates."""

    overall: OverallStatus
    """overallStatus: the status of the study as a whole."""
    start: DatedFact | None = None
    """startDateStruct, if the registry gives it."""
    primary_completion: DatedFact | None = None
    """primaryCompletionDateStruct, if the registry gives it."""
    completion: DatedFact | None = None
    """completionDateStruct, if the registry gives it."""
    has_expanded_access: StrictBool | None = None
    """expandedAccessInfo.hasExpandedAccess, if the registry says."""


class Design(Strict):
    """How the study is built."""

    study_type: Literal["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"]
    """studyType."""
    phases: list[Phase] = []
    """phases, e.g. [PHASE1, PHASE2] for a phase I/II study; none for an observational study."""
    allocation: Literal["RANDOMIZED", "NON_RANDOMIZED", "NA"] | None = None
    """designInfo.allocation (interventional studies)."""
    intervention_model: Literal["SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"] | None = None
    """designInfo.interventionModel (interventional studies)."""
    primary_purpose: Literal["TREATMENT", "PREVENTION", "DIAGNOSTIC", "ECT", "SUPPORTIVE_CARE", "SCREENING",
                             "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "OTHER"] | None = None
    """designInfo.primaryPurpose (TREATMENT, …), if the registry gives it."""
    masking: Literal["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"] | None = None
    """designInfo.maskingInfo.masking; NONE means open-label (interventional studies)."""
    observational_model: Literal["COHORT", "CASE_CONTROL", "CASE_ONLY", "CASE_CROSSOVER", "ECOLOGIC_OR_COMMUNITY",
                                 "FAMILY_BASED", "DEFINED_POPULATION", "NATURAL_HISTORY", "OTHER"] | None = None
    """designInfo.observationalModel (observational studies)."""
    time_perspective: Literal["PROSPECTIVE", "RETROSPECTIVE", "CROSS_SECTIONAL", "OTHER"] | None = None
    """designInfo.timePerspective (observational studies)."""
    enrollment: Count | None = None
    """enrollmentInfo: how many participants are planned (ESTIMATED) or took part (ACTUAL)."""


class Oversight(Strict):
    """The registry's oversight answers."""

    has_dmc: StrictBool | None = None
    """oversightHasDmc: a data monitoring committee watches the study (none: the registry does not say)."""
    fda_regulated_drug: StrictBool | None = None
    """isFdaRegulatedDrug, if the registry says."""
    fda_regulated_device: StrictBool | None = None
    """isFdaRegulatedDevice, if the registry says."""


class Description(Strict):
    """The sponsor's own summaries, verbatim (investigator pages only)."""

    brief_summary: Text
    """briefSummary, verbatim, typos included."""
    detailed_description: Text | None = None
    """detailedDescription, verbatim, if the registry has one."""


class Arm(Strict):
    """An arm group of the study (a study may have one, several, or none: observational studies)."""

    id: Slug
    """Stable id of the arm (curated, derived from its label): its plain-language text for families is the
    translation ``arm.<id>``; the first arm holds the cycle description the schedule is built from."""
    label: Text
    """armGroups[].label, verbatim."""
    type: Literal["EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "OTHER"] | None = None
    """armGroups[].type, if the registry gives it."""
    description: Text | None = None
    """armGroups[].description, verbatim, if the registry gives one."""
    interventions: list[Slug] = []
    """Ids of the interventions this arm receives (each must be in ``interventions``)."""


class Intervention(Strict):
    """One medicine or procedure of the study."""

    id: Slug
    """Stable id used by the schedule and the translations (``dasatinib``)."""
    type: Literal["DRUG", "DEVICE", "BIOLOGICAL", "PROCEDURE", "RADIATION", "BEHAVIORAL", "GENETIC", "DIETARY_SUPPLEMENT", "COMBINATION_PRODUCT", "DIAGNOSTIC_TEST", "OTHER"]
    """interventions[].type."""
    name: Text
    """interventions[].name, verbatim (the name in each language is a translation keyed by ``id``)."""
    registry_description: Text | None = None
    """interventions[].description, verbatim (``oral/intervenous``), if the registry gives one."""
    routes: list[Route] = []
    """How it is given, read from the registry description (curated): oral, intravenous, intrathecal, …; empty
    when the description names none (check lists it for the office)."""


class DoseLevel(Strict):
    """A dose level the registry names, described as it does: without amounts, and only what it says."""

    level: StrictInt
    """The level number as the registry writes it (-1, 2)."""
    medicine: Slug
    """The intervention id whose dose the registry says differs at this level (``venetoclax``)."""
    change: Literal["lower", "higher"]
    """What the registry says of that medicine's dose at this level: a lower or a higher dose (it does not say
    than what: see discrepancies.yml)."""
    registry_text: Text
    """The registry's sentence for this level, verbatim (checked to appear in the arm description)."""


class Outcome(Strict):
    """A primary or secondary outcome measure."""

    id: Annotated[StrictStr, Field(pattern=r"^(P|S)\d{2}$")]
    """Stable id: P01… for primary, S01… for secondary outcomes."""
    measure: Text
    """measure, verbatim."""
    description: Text | None = None
    """description, verbatim, if the registry gives one."""
    time_frame: Text | None = None
    """timeFrame, verbatim (``3 years``), if the registry gives one."""


class Outcomes(Strict):
    """What the study measures."""

    primary: Annotated[list[Outcome], Field(min_length=1)]
    """primaryOutcomes, in registry order."""
    secondary: list[Outcome]
    """secondaryOutcomes, in registry order."""

    @property
    def all(self) -> list[Outcome]:
        """Primary, then secondary outcomes."""
        return [*self.primary, *self.secondary]


class Sponsors(Strict):
    """Who runs and supports the study."""

    responsible_party: Literal["SPONSOR", "PRINCIPAL_INVESTIGATOR", "SPONSOR_INVESTIGATOR"] | None = None
    """responsibleParty.type (SPONSOR), if the registry gives it."""
    lead: Organisation
    """leadSponsor."""
    collaborators: list[Organisation]
    """collaborators, in registry order."""


class Official(Strict):
    """An overall official of the study."""

    name: Text
    """Name with titles, verbatim."""
    affiliation: Text | None = None
    """Affiliation, verbatim, if the registry gives one."""
    role: Literal["STUDY_CHAIR", "STUDY_DIRECTOR", "PRINCIPAL_INVESTIGATOR", "SUB_INVESTIGATOR"]
    """Role code from the registry."""


class Contact(Strict):
    """A person to contact (central or at a site)."""

    name: Text
    """Name, verbatim (typos are recorded as discrepancies, not fixed)."""
    role: Literal["CONTACT", "PRINCIPAL_INVESTIGATOR", "SUB_INVESTIGATOR", "STUDY_CHAIR", "STUDY_DIRECTOR"] | None = None
    """Role code from the registry, if it gives one."""
    email: Email | None = None
    """E-mail address, if the registry gives one."""
    phone: Phone | None = None
    """Phone number verbatim as the registry writes it (+31650006270, 617-355-0097); the pages format it and link
    it with the phonenumbers library, the site's country as default region."""
    phone_ext: StrictStr | None = None
    """phoneExt, if the registry gives one."""


class AgeLimits(Strict):
    """The registry's eligibility summary fields."""

    minimum_age: Annotated[StrictStr, Field(pattern=r"^\d+ (Year|Years|Month|Months|Week|Weeks|Day|Days|Hour|Hours|Minute|Minutes)$")] | None = None
    """minimumAge, verbatim (``1 Year``); none when the registry gives no minimum."""
    maximum_age: Annotated[StrictStr, Field(pattern=r"^\d+ (Year|Years|Month|Months|Week|Weeks|Day|Days|Hour|Hours|Minute|Minutes)$")] | None = None
    """maximumAge, verbatim (``21 Years``); none when the registry gives no maximum."""
    sex: Literal["ALL", "FEMALE", "MALE"] | None = None
    """sex: who may take part, if the registry says."""
    std_ages: list[Literal["CHILD", "ADULT", "OLDER_ADULT"]] = []
    """stdAges."""
    healthy_volunteers: StrictBool | None = None
    """healthyVolunteers, if the registry says."""

    @property
    def min_years(self) -> int | None:
        """The minimum age in whole years (a ``Months`` value counts as 0); None without a minimum."""
        return _years(self.minimum_age) if self.minimum_age else None

    @property
    def max_years(self) -> int | None:
        """The maximum age in whole years; None without a maximum."""
        return _years(self.maximum_age) if self.maximum_age else None


def _years(text: str) -> int:
    number, unit = text.split()
    per_year = {"Year": 1, "Month": 12, "Week": 52, "Day": 365, "Hour": 8766, "Minute": 525960}[unit.rstrip("s")]
    return int(number) // per_year


class IpdSharing(Strict):
    """The registry's statement on sharing participant data, verbatim."""

    sharing: Literal["YES", "NO", "UNDECIDED"]
    """ipdSharing."""
    description: StrictStr | None = None
    """description, if the registry gives one."""
    info_types: list[StrictStr] = []
    """infoTypes (CSR, …)."""
    time_frame: StrictStr | None = None
    """timeFrame, if the registry gives one."""
    access_criteria: StrictStr | None = None
    """accessCriteria, if the registry gives them."""


class Trial(Strict):
    """content/trial.yml: the study as the registry describes it."""

    source: Source
    """Where the registry-derived keys of this file come from."""
    registry: Registry
    """Where these facts come from."""
    identifiers: Identifiers
    """Names and numbers."""
    status: Status
    """Recruitment status and dates."""
    design: Design
    """Study design."""
    oversight: Oversight
    """Oversight answers."""
    description: Description
    """The sponsor's summaries, verbatim."""
    conditions: Annotated[list[Text], Field(min_length=1)]
    """conditions, verbatim."""
    keywords: list[Text] = []
    """keywords, verbatim (typos included)."""
    arms: list[Arm] = []
    """The arm groups, in registry order (none for an observational study)."""
    interventions: list[Intervention] = []
    """The medicines and other interventions, in registry order."""
    dose_levels: list[DoseLevel] = []
    """Dose levels the registry names, described without amounts (curated)."""
    outcomes: Outcomes | None
    """Primary and secondary outcomes; null when the record has no outcomes module."""
    eligibility: AgeLimits
    """Age, sex and healthy-volunteer fields of the eligibility module."""
    sponsors: Sponsors
    """Lead sponsor and collaborators."""
    officials: list[Official] = []
    """Overall officials."""
    central_contacts: list[Contact] = []
    """The trial office's contact(s), shown on every hospital page (none when the registry gives none)."""
    ipd_sharing: IpdSharing | None = None
    """Data-sharing statement, if the registry has one."""

    @property
    def arm(self) -> Arm | None:
        """The first arm (the one the schedule describes), or None."""
        return self.arms[0] if self.arms else None

    @property
    def several_arms(self) -> bool:
        """Whether the study has more than one arm (families are then told which groups there are)."""
        return len(self.arms) > 1

    @cached_property
    def intervention_ids(self) -> list[str]:
        """The ids of all interventions, in order."""
        return [i.id for i in self.interventions]

    def intervention(self, ident: str) -> Intervention:
        """The intervention with this id."""
        return next(i for i in self.interventions if i.id == ident)


# --------------------------------------------------------------------------
# content/eligibility.yml
# --------------------------------------------------------------------------

Operator = Literal["<", "<=", ">", ">=", "="]


class Threshold(Strict):
    """A number that a criterion's text states, for the investigators' checklist (curated)."""

    id: Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    """Stable id (lower case and underscores); its label in each language is the translation
    ``threshold.<id>``, and ``{<id>}`` is its value in any translated sentence."""
    op: Operator
    """How the value compares: <, <=, >, >= or =."""
    value: Number
    """The number as the criterion's text gives it (checked to appear in that text)."""
    unit: Slug | None = None
    """A unit id from ``units`` in this file; none for a pure number (the Pearl index)."""
    discrepancy: Slug | None = None
    """A discrepancy (discrepancies.yml) whose wording makes this value ambiguous: the checklist then shows the
    registry's words (the discrepancy's first quote) instead of a comparison."""


class CriterionItem(Strict):
    """A sub-item of a criterion (a bullet, a./b., i./ii., or 1./2.)."""

    marker: StrictStr
    """The registry's own marker: ``*``, ``a.``, ``i.``, ``1.``."""
    text: Text
    """The item's text, verbatim, with the registry's Markdown escapes undone."""
    items: list[CriterionItem] = []
    """Nested sub-items."""


class Criterion(Strict):
    """One inclusion or exclusion criterion."""

    id: Annotated[StrictStr, Field(pattern=r"^(IN|EX)\d{2}$")]
    """Stable id: IN01… for inclusion, EX01… for exclusion, numbered as in the registry."""
    text: Text
    """The criterion's text, verbatim (typos included, Markdown escapes undone)."""
    items: list[CriterionItem] = []
    """Sub-items, verbatim, in registry order."""
    thresholds: list[Threshold] = []
    """Structured values the text states (ages, scores, lab limits, wash-out days)."""

    @property
    def kind(self) -> str:
        """``inclusion`` or ``exclusion``, from the id."""
        return "inclusion" if self.id.startswith("IN") else "exclusion"

    @property
    def number(self) -> int:
        """The registry's number of this criterion within its list."""
        return int(self.id[2:])


class FamilySummaryItem(Strict):
    """One line of the families' plain-language eligibility summary (curated)."""

    id: Slug
    """Its text in each language is the translation ``who.item.<id>``."""
    criteria: Annotated[list[Annotated[StrictStr, Field(pattern=r"^(IN|EX)\d{2}$")]], Field(min_length=1)]
    """The criteria it summarises (each must exist; all inclusion or all exclusion)."""

    @property
    def kind(self) -> str:
        """``inclusion`` when it summarises inclusion criteria, ``exclusion`` otherwise."""
        return "inclusion" if self.criteria[0].startswith("IN") else "exclusion"


class Eligibility(Strict):
    """content/eligibility.yml: who can take part."""

    source: Source
    """Where the criteria come from."""
    units: Annotated[list[Slug], Field(min_length=1)]
    """Unit ids thresholds may use; each unit's symbol or word in each language is the translation ``unit.<id>``."""
    unstructured: Text | None = None
    """The registry's eligibility text, verbatim, when it has no inclusion and exclusion headings (then the two
    lists are empty and the investigators' page shows this text)."""
    inclusion: list[Criterion] = []
    """Inclusion criteria, in registry order (ids IN01, IN02, …)."""
    exclusion: list[Criterion] = []
    """Exclusion criteria, in registry order (ids EX01, EX02, …)."""
    family_summary: list[FamilySummaryItem] = []
    """Lines of the plain-language summary for families (curated; until they are written the families' page on
    who can take part is not published)."""

    @property
    def criteria(self) -> list[Criterion]:
        """All criteria, inclusion first."""
        return [*self.inclusion, *self.exclusion]

    def threshold(self, ident: str) -> Threshold:
        """The threshold with this id, from any criterion."""
        return next(t for c in self.criteria for t in c.thresholds if t.id == ident)


# --------------------------------------------------------------------------
# content/schedule.yml
# --------------------------------------------------------------------------

DayRange = Annotated[StrictStr, Field(pattern=r"^\s*\d+\s*(-\s*\d+\s*)?$")]


def parse_range(text: str) -> tuple[int, int]:
    """``"5-8"`` → (5, 8); ``"3"`` → (3, 3)."""
    first, _, last = text.partition("-")
    return int(first), int(last or first)


class ScheduleRow(Strict):
    """Which days of a cycle one medicine is given."""

    medicine: Slug
    """An intervention id from trial.yml."""
    days: list[DayRange]
    """Day ranges as the registry gives them: ``"1-14"``, ``"5-8"``, ``"3"``; empty when the registry names no days."""
    uncertain_days: list[DayRange] = []
    """Days the registry contradicts itself about (shown as uncertain, never as given)."""
    as_decided_by_doctor: StrictBool = False
    """True when the registry gives no days (intrathecal chemotherapy): the grid says the doctor decides."""
    discrepancy: Slug | None = None
    """Id of a discrepancy footnoted on this row."""
    registry_text: Text
    """The registry's words for this row, verbatim, for the investigators."""

    def day_set(self, field: str = "days") -> set[int]:
        """Every day covered by ``days`` (or ``uncertain_days``)."""
        out: set[int] = set()
        for text in getattr(self, field):
            first, last = parse_range(text)
            out.update(range(first, last + 1))
        return out


class Cycle(Strict):
    """One timeline: cycle 1, or cycle 2 and every cycle after it."""

    id: Slug
    """Stable id (``cycle-1``, ``cycle-2-plus``)."""
    first_cycle: Annotated[StrictInt, Field(ge=1)]
    """The first cycle number this timeline applies to."""
    repeats: StrictBool
    """True when it applies to every later cycle too (cycle 2 and subsequent cycles)."""
    rows: Annotated[list[ScheduleRow], Field(min_length=1)]
    """One row per medicine, in the order the grid shows them."""


class RampUp(Strict):
    """A ramp-up as the registry words it: which medicine, how many days, and its sentence."""

    medicine: Slug
    """The intervention id it applies to (``venetoclax``)."""
    days: Annotated[StrictInt, Field(ge=0)]
    """Its length in days, as the registry words it (checked to appear in ``text``)."""
    text: Text
    """The registry's sentence on the ramp-up, verbatim (checked to appear in the arm description)."""


class Schedule(Strict):
    """content/schedule.yml: the cycle structure as data."""

    cycle_length_days: Annotated[StrictInt, Field(ge=1, le=366)]
    """How many days a cycle lasts (the registry: 28)."""
    cycle_length_text: Text
    """The registry's sentence giving the cycle length, verbatim."""
    ramp_up: RampUp | None = None
    """A ramp-up the registry names (a medicine started at a lower dose), if any."""
    intrathecal_text: Text
    """The registry's sentence on intrathecal chemotherapy, verbatim."""
    cycles: Annotated[list[Cycle], Field(min_length=1)]
    """The timelines, first cycle first."""


# --------------------------------------------------------------------------
# content/sites.yml
# --------------------------------------------------------------------------


class Coordinates(Strict):
    """A point on the map, as the registry's geoPoint gives it."""

    lat: Annotated[Number, Field(ge=-90, le=90)]
    """Latitude in degrees."""
    lon: Annotated[Number, Field(ge=-180, le=180)]
    """Longitude in degrees."""


class Site(Strict):
    """A hospital taking part."""

    slug: Slug
    """The stable part of the hospital's URL (``/en/sites/<slug>/``); never change it once published."""
    facility: Text
    """facility, verbatim."""
    city: Text
    """city, verbatim."""
    state: Text | None = None
    """state or region, where the registry gives one."""
    postcode: StrictStr | None = None
    """zip, verbatim (text: leading zeros matter)."""
    country: Text
    """country, in the registry's English (must be a CLDR country name, so it can be translated)."""
    status: OverallStatus | None = None
    """The site's recruitment status; none when the registry does not give it (the families' pages say so)."""
    contacts: list[Contact]
    """The site's contacts, in registry order."""
    coordinates: Coordinates | None = None
    """geoPoint, verbatim (not shown on a map: several are far from their city, see discrepancies)."""


class Sites(Strict):
    """content/sites.yml: every participating hospital, in registry order."""

    source: Source
    """Where the sites come from."""
    sites: Annotated[list[Site], Field(min_length=1)]
    """The sites."""


# --------------------------------------------------------------------------
# content/discrepancies.yml and content/glossary.yml
# --------------------------------------------------------------------------


class Discrepancy(Strict):
    """A place where the registry contradicts itself or is plainly mistyped (recorded, never fixed)."""

    id: Slug
    """Stable id; the explanation in each language is the translation ``discrepancy.<id>``."""
    kind: Literal["contradiction", "typo", "inconsistency", "ambiguity"]
    """contradiction (two statements disagree), typo (kept verbatim), inconsistency (fields that do not fit together)
    or ambiguity (wording that can be read two ways, or leaves out what it compares with)."""
    fields: Annotated[list[Text], Field(min_length=1)]
    """The record's field paths involved (protocolSection.…)."""
    quotes: list[Text] = []
    """The registry's exact words, each of which must appear in the facts."""
    sites: list[Slug] = []
    """Slugs of the hospitals concerned, if any (each must exist)."""


class Discrepancies(Strict):
    """content/discrepancies.yml."""

    discrepancies: list[Discrepancy]
    """Every known registry discrepancy."""


class Glossary(Strict):
    """content/glossary.yml: which terms the glossary explains, in order."""

    terms: Annotated[list[Slug], Field(min_length=1)]
    """Term ids; each is an anchor (``glossary/#relapse``) and has translations ``glossary.<id>.term`` and ``.definition``."""


# --------------------------------------------------------------------------
# content/master_protocol.yml
# --------------------------------------------------------------------------

NctId = Annotated[StrictStr, Field(pattern=r"^NCT\d{8}$")]


class SubProtocol(Strict):
    """One sub-protocol of the master protocol, as a registry source names it."""

    nct_id: NctId
    """Its ClinicalTrials.gov number, NCT and eight digits."""
    letter: Annotated[StrictStr, Field(pattern=r"^[A-Z]$")]
    """Its letter (curated: read from its registry title, ``HEM-iSMART-A`` is A)."""
    described_here: StrictBool
    """True for the one sub-protocol this site describes (its facts are content/trial.yml, so it gives
    no title, status or phases here); false for a study the site only links to in the registry."""
    title: Text | None = None
    """Its title, verbatim as the source gives it (registry English); only when not described here."""
    status: OverallStatus | None = None
    """Its recruitment status as the source gives it, or null when the source does not give it
    (written out either way when not described here)."""
    phases: list[Phase] | None = None
    """Its phases as the source gives them (``PHASE1/PHASE2`` is [PHASE1, PHASE2]), or null when the
    source does not give them (written out either way when not described here)."""
    source: Text
    """Where these facts come from: the file and its section (``NCT05751044.registry-page.txt,
    Related Clinical Trials``), or content/trial.yml for the study described here."""


class MasterProtocol(Strict):
    """content/master_protocol.yml: the master protocol this trial belongs to, and its sub-protocols."""

    name: Text
    """The master protocol's name as the registry writes it (``HEM-iSMART``)."""
    registry_quote: Text
    """The registry's sentence saying the study belongs to a master protocol, verbatim (must be found in
    trial.yml's description and contain ``name``)."""
    study_url: Annotated[StrictStr, Field(pattern=r"^https://[^\s]*\{nct_id\}$")]
    """The registry's address of any study, with ``{nct_id}`` where its number goes (must give
    trial.yml's ``registry.record_url`` for this trial)."""
    sub_protocols: Annotated[list[SubProtocol], Field(min_length=1)]
    """The sub-protocols the sources name, this trial included, in letter order."""

    @property
    def described(self) -> SubProtocol:
        """The sub-protocol this site describes."""
        return next(s for s in self.sub_protocols if s.described_here)

    def url_of(self, nct_id: str) -> str:
        """The registry's page of a study."""
        return self.study_url.replace("{nct_id}", nct_id)


FILES: dict[str, type[Strict]] = {
    "trial.yml": Trial,
    "eligibility.yml": Eligibility,
    "schedule.yml": Schedule,
    "sites.yml": Sites,
    "discrepancies.yml": Discrepancies,
    "glossary.yml": Glossary,
    "master_protocol.yml": MasterProtocol,
}
"""Each content file and the model that reads it."""

OPTIONAL_FILES = {"master_protocol.yml"}
"""Content files a trial may not have: a trial that is not part of a master protocol has no
master_protocol.yml, and its site then has no master-protocol page."""


class Facts(BaseModel):
    """Everything in content/, validated; what the templates receive as ``facts``."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    trial: Trial
    eligibility: Eligibility
    schedule: Schedule
    sites: list[Site]
    registry_sources: dict[str, Source]
    """The ``source:`` block of each file that holds registry-derived facts."""
    discrepancies: list[Discrepancy]
    glossary: list[str]
    master_protocol: MasterProtocol | None
    """The master protocol the trial belongs to; None without content/master_protocol.yml."""
    changes: list = []
    """What changed in the registry over time (hemismart_site.changes.Entry), newest first, from content/changes.yml."""
    overrides: list = []
    """Local corrections in force (hemismart_site.overrides.Applied: target, registry value, value, reason, date,
    by), from content/overrides.yml; their values are already in the facts above."""
    claims: object | None = None
    """The claims ledger (hemismart_site.claims.Claims, content/claims.yml); None when the file is missing, and
    then every text families read is reported as having no basis."""

    def discrepancy(self, ident: str) -> Discrepancy:
        """The discrepancy with this id."""
        return next(d for d in self.discrepancies if d.id == ident)

    def site(self, slug: str) -> Site:
        """The site with this slug."""
        return next(s for s in self.sites if s.slug == slug)
