"""Projected returns: cumulative returned persons by month with an uncertainty band, and when
each target is reached or by how much it is missed.

Plain data in, plain data out; no Django (``tests/test_layers.py`` checks it), so the
projection can be tested and rerun on its own. ``monitoring.selectors.forecast_inputs``
gathers the inputs from the records. The method is in ``docs/monitoring.md``; in short, a
Monte Carlo over what is uncertain, month by month:

* each batch of housing units is finished on its expected date plus a delay drawn from the
  delays the programme's finished projects had (or, with fewer than five of them, from an
  exponential distribution with a mean of ``DEFAULT_DELAY_DAYS``);
* the land of a settlement whose hazard areas are not released becomes ready when the
  programme's release rate — drawn from the recent monthly releases — has released the
  blocking hectares of the settlements needed before it (the ones whose homes are due first);
* each household that intends to return takes a home it is offered with a probability
  drawn from the offers accepted and declined so far (a Beta posterior);
* each month from the next one, households move into homes that are free in their
  district, as many as cohort seats allow: the seats scheduled for that month; after the
  last scheduled month, the mean of the scheduled months; without any schedule, no limit.

The band is the spread of the runs (by default the 10th and 90th percentiles); the central
line is their median.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

DEFAULT_DELAY_DAYS = 90
MIN_OBSERVED_DELAYS = 5
PACE_MONTHS = 6
MAX_HORIZON_MONTHS = 240


class InvalidForecast(ValueError):
    """The inputs cannot be projected; the message names the offending value."""


@dataclass(frozen=True)
class UnitBatch:
    """Housing units of one settlement due on one date.

    ``expected`` is the date the units are due to be finished (for ``ready`` units, the day
    they became ready); ``blocked_ha`` the hectares of hazard area not yet released around
    the settlement (0 when its land is ready).
    """

    district: str
    settlement: str
    count: int
    expected: dt.date
    ready: bool = False
    blocked_ha: float = 0.0


@dataclass(frozen=True)
class Demand:
    """Households of a district that intend to return and have not returned yet."""

    district: str
    households: int
    persons_per_household: float


@dataclass(frozen=True)
class ForecastInputs:
    today: dt.date
    # Persons returned so far, by district and month (first day of the month).
    returned: Mapping[str, Mapping[dt.date, float]]
    units: Sequence[UnitBatch]
    demand: Sequence[Demand]
    # Hectares released in each recent month (months without release count as 0).
    release_ha_by_month: Sequence[float] = ()
    # How many days late (negative: early) finished projects were against their plan.
    completion_delays_days: Sequence[int] = ()
    offers_accepted: int = 0
    offers_declined: int = 0
    # Cohort seats (persons) scheduled per month (first day of the month).
    seats_by_month: Mapping[dt.date, int] = field(default_factory=dict)
    # The programme's start: the series of months begins at the first return on or after
    # it, so that a stray early date (a handover typed as 1990) does not stretch the axis;
    # returns before it are counted in that first month's total.
    start: dt.date | None = None


@dataclass(frozen=True)
class TargetSpec:
    name: str
    value: float
    deadline: dt.date
    districts: frozenset[str] | None = None  # None: every district


@dataclass(frozen=True)
class Band:
    """Cumulative returned persons per month: the runs' median and their spread."""

    low: list[float]
    median: list[float]
    high: list[float]


class Status:
    """Whether a target is on track, read from its outlook; each has its words on the page."""

    MET = "met"  # reached (by the deadline, when it has passed)
    MISSED = "missed"  # the deadline passed before it was reached
    ON_TRACK = "on_track"  # the band's low edge reaches it by the deadline (9 runs in 10)
    AT_RISK = "at_risk"  # the band straddles it at the deadline
    OFF_TRACK = "off_track"  # the band's high edge falls short of it (1 run in 10 at most)


def target_status(
    *,
    value: float,
    returned: float,
    deadline: dt.date,
    today: dt.date,
    at_deadline: tuple[float, float, float] | None,
) -> str:
    """A target's :class:`Status`: met or missed once decided, else where the forecast's band
    lies at the deadline (None: no forecast for its place — at risk, since nobody can say).

    >>> target_status(value=100, returned=40, deadline=dt.date(2027, 1, 1),
    ...               today=dt.date(2026, 1, 1), at_deadline=(60, 90, 120))
    'at_risk'
    """
    if deadline < today:
        reached = (at_deadline[1] if at_deadline is not None else returned) >= value
        return Status.MET if reached else Status.MISSED
    if returned >= value:
        return Status.MET
    if at_deadline is None:
        return Status.AT_RISK
    low, _median, high = at_deadline
    if low >= value:
        return Status.ON_TRACK
    if high < value:
        return Status.OFF_TRACK
    return Status.AT_RISK


@dataclass(frozen=True)
class Recent:
    """Returns of the last ``PACE_MONTHS`` calendar months, the current one so far included."""

    since: dt.date  # the first month of the window
    until: dt.date  # the current month
    persons: float  # returned in the window
    last_month: dt.date | None  # the last month with a return, in the window or before it

    @property
    def per_month(self) -> float:
        return self.persons / PACE_MONTHS


def recent_returns(months: Sequence[dt.date], cumulative: Sequence[float], now: dt.date) -> Recent:
    """What a cumulative monthly series says of recent returns: one reading for the forecast's
    pace and for the dashboard's sentence beside the chart, so that they cannot disagree.

    >>> months = [dt.date(2026, m, 1) for m in range(1, 12)]
    >>> r = recent_returns(months, [5] * 10 + [8], dt.date(2026, 11, 20))
    >>> (r.since, r.persons, r.last_month)
    (datetime.date(2026, 6, 1), 3, datetime.date(2026, 11, 1))
    """
    until = _month(now)
    since = add_months(until, 1 - PACE_MONTHS)
    before = [c for m, c in zip(months, cumulative, strict=True) if m < since]
    upto = [c for m, c in zip(months, cumulative, strict=True) if m <= until]
    start, end = (before[-1] if before else 0), (upto[-1] if upto else 0)
    last = None
    previous = 0
    for m, c in zip(months, cumulative, strict=True):
        if m > until:
            break
        if c > previous:
            last = m
        previous = c
    return Recent(since=since, until=until, persons=end - start, last_month=last)


def reached_at_pace(value: float, *, returned: float, pace: float, now: dt.date) -> dt.date | None:
    """The month ``value`` is reached from ``returned`` at ``pace`` a month; None when not
    within ``MAX_HORIZON_MONTHS`` (at 1 a month, 140,000 would take millennia).

    >>> reached_at_pace(1300, returned=300, pace=50, now=dt.date(2026, 1, 1))
    datetime.date(2027, 9, 1)
    """
    if returned >= value:
        return now
    if pace <= 0 or (value - returned) / pace > MAX_HORIZON_MONTHS:
        return None
    return add_months(now, math.ceil((value - returned) / pace))


@dataclass(frozen=True)
class Outlook:
    """What the projection says about one target."""

    target: TargetSpec
    returned: float  # so far
    reached_on: dt.date | None  # the month the median reaches the value, within the horizon
    earliest: dt.date | None  # the month the band's high edge reaches it
    probability_by_deadline: float
    at_deadline: tuple[float, float, float]  # low, median, high
    shortfall: float  # value minus the median at the deadline, when missed
    pace_per_month: float  # returned persons per month over the last PACE_MONTHS months
    at_current_pace: dt.date | None  # when the value is reached at that pace (None: not
    # within MAX_HORIZON_MONTHS)
    status: str  # a Status


@dataclass(frozen=True)
class Forecast:
    status: str
    message: str
    months: list[dt.date]  # first day of each month, from the first return to the horizon
    actual: list[float | None]  # cumulative returned persons up to the current month
    projected: Band  # cumulative, every month (before the current month: the actual value)
    outlooks: list[Outlook]
    runs: int
    seed: int
    assumptions: dict[str, float | str]


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _validate(
    inputs: ForecastInputs, targets: Sequence[TargetSpec], runs: int, band: tuple[float, float]
) -> None:
    if not isinstance(inputs.today, dt.date):
        raise InvalidForecast("today must be a date.")
    if not 10 <= runs <= 20_000:
        raise InvalidForecast(f"runs must be between 10 and 20000, not {runs}.")
    low, high = band
    if not 0 < low < 0.5 < high < 1:
        raise InvalidForecast(f"band must be two quantiles around the median, not {band}.")
    for unit in inputs.units:
        if unit.count < 0:
            raise InvalidForecast(f"Units of {unit.settlement}: count {unit.count} is negative.")
        if unit.blocked_ha < 0 or math.isnan(unit.blocked_ha):
            raise InvalidForecast(f"Units of {unit.settlement}: blocked_ha must be 0 or more.")
    for d in inputs.demand:
        if d.households < 0:
            raise InvalidForecast(f"Demand of {d.district}: households {d.households} is negative.")
        if not d.persons_per_household > 0:
            raise InvalidForecast(f"Demand of {d.district}: persons_per_household must be > 0.")
    if any(ha < 0 for ha in inputs.release_ha_by_month):
        raise InvalidForecast("release_ha_by_month: a month's release is negative.")
    if inputs.offers_accepted < 0 or inputs.offers_declined < 0:
        raise InvalidForecast("Offers accepted and declined must be 0 or more.")
    for month, seats in inputs.seats_by_month.items():
        if seats < 0:
            raise InvalidForecast(f"Seats of {month:%Y-%m}: {seats} is negative.")
    for district, months in inputs.returned.items():
        if any(v < 0 for v in months.values()):
            raise InvalidForecast(f"Returns of {district}: a month's count is negative.")
        if any(m > inputs.today for m in months):
            raise InvalidForecast(f"Returns of {district}: a month after today.")
    for t in targets:
        if not t.value > 0:
            raise InvalidForecast(f"Target {t.name}: value must be > 0.")


def forecast(
    inputs: ForecastInputs,
    targets: Sequence[TargetSpec] = (),
    *,
    runs: int = 500,
    seed: int = 0,
    band: tuple[float, float] = (0.1, 0.9),
    horizon_months: int | None = None,
) -> Forecast:
    """Project cumulative returned persons month by month.

    Parameters
    ----------
    inputs : ForecastInputs
        The pipeline as it stands (see the module's docstring for how each part is used).
    targets : sequence of TargetSpec
        The targets to judge; each gets an :class:`Outlook`.
    runs : int
        Monte Carlo runs.
    seed : int
        Seed of the random generator: the same inputs and seed give the same forecast.
    band : (float, float)
        The quantiles of the runs that bound the band.
    horizon_months : int, optional
        Months projected after the current one; by default to two years after the last
        target deadline or due date, at most ``MAX_HORIZON_MONTHS``.

    Returns
    -------
    Forecast

    Examples
    --------
    >>> today = dt.date(2026, 1, 15)
    >>> inputs = ForecastInputs(
    ...     today=today,
    ...     returned={"Kalbajar": {dt.date(2025, 9, 1): 254}},
    ...     units=[UnitBatch("Kalbajar", "Kalbajar city", 100, dt.date(2026, 3, 1))],
    ...     demand=[Demand("Kalbajar", 500, 4.0)],
    ...     completion_delays_days=[0, 0, 0, 0, 0],
    ...     offers_accepted=10,
    ... )
    >>> result = forecast(inputs, [TargetSpec("400 returnees", 400, dt.date(2026, 12, 31))])
    >>> result.outlooks[0].reached_on
    datetime.date(2026, 3, 1)
    """
    _validate(inputs, targets, runs, band)
    rng = np.random.default_rng(seed)
    now = _month(inputs.today)
    districts = sorted(
        {u.district for u in inputs.units}
        | {d.district for d in inputs.demand}
        | set(inputs.returned)
    )
    index = {d: i for i, d in enumerate(districts)}
    if horizon_months is None:
        ends = [t.deadline for t in targets] + [u.expected for u in inputs.units] + [now]
        horizon_months = _months_between(now, max(ends)) + 24
    horizon = max(1, min(MAX_HORIZON_MONTHS, horizon_months))
    # Column 0 is the current month; returns recorded so far are in it.
    done = np.zeros(len(districts))
    past_months: set[dt.date] = set()
    for district, months in inputs.returned.items():
        done[index[district]] = sum(months.values())
        past_months |= set(months)

    take_up = rng.beta(inputs.offers_accepted + 1, inputs.offers_declined + 1, size=runs)
    release = np.asarray(inputs.release_ha_by_month, dtype=float)
    if release.size:
        rate = rng.choice(release, size=(runs, release.size)).mean(axis=1)
    else:
        rate = np.zeros(runs)

    delays = np.asarray(inputs.completion_delays_days, dtype=float)
    units_by_month = _units_by_month(
        inputs.units,
        _land_ready_months(inputs.units, rate),
        delays,
        rng,
        index=index,
        now=now,
        horizon=horizon,
        runs=runs,
    )
    willing = np.zeros((len(districts), runs))
    persons_per_household = np.ones(len(districts))
    for d in inputs.demand:
        willing[index[d.district]] = rng.binomial(d.households, take_up)
        persons_per_household[index[d.district]] = d.persons_per_household
    seats = {_month(m): s for m, s in inputs.seats_by_month.items() if _month(m) >= now}
    sustained = float(np.mean(list(seats.values()))) if seats else math.inf
    paths = _move_in(
        done,
        units_by_month,
        willing,
        persons_per_household,
        seats,
        sustained,
        now=now,
        horizon=horizon,
    )

    real = [m for m in past_months if inputs.start is None or m >= _month(inputs.start)]
    first = min(real) if real else now
    lead = _months_between(_month(first), now)
    months = [add_months(now, m) for m in range(-lead, horizon + 1)]
    history = _history(inputs.returned, districts=None, months=months[: lead + 1])
    total_band = _band(paths.sum(axis=0), band)
    projected = Band(
        low=history[:-1] + total_band.low,
        median=history[:-1] + total_band.median,
        high=history[:-1] + total_band.high,
    )
    outlooks = []
    for t in targets:
        chosen = [index[d] for d in districts if t.districts is None or d in t.districts]
        outlooks.append(_outlook(t, paths[chosen].sum(axis=0), now, band, inputs))
    return Forecast(
        status="ok",
        message=f"{runs} runs over {horizon} months from {now:%Y-%m}",
        months=months,
        actual=history + [None] * horizon,
        projected=projected,
        outlooks=outlooks,
        runs=runs,
        seed=seed,
        assumptions={
            "take_up_mean": round(float(take_up.mean()), 3),
            "release_ha_per_month_mean": round(float(rate.mean()), 2),
            "completion_delay": (
                "observed delays of finished projects"
                if delays.size >= MIN_OBSERVED_DELAYS
                else f"exponential, mean {DEFAULT_DELAY_DAYS} days (too few finished projects)"
            ),
            "seats_per_month_after_schedule": sustained if seats else "no limit",
        },
    )


def _land_ready_months(units: Sequence[UnitBatch], rate: np.ndarray) -> dict[str, np.ndarray]:
    """When each settlement's land is ready, in months from now per run: blocked
    settlements in the order their homes are due, each after the hectares of those before
    it and its own are released at the run's ``rate`` (never, without release)."""
    due: dict[str, dt.date] = {}
    blocked: dict[str, float] = {}
    for u in units:
        if u.blocked_ha > 0:
            due[u.settlement] = min(due.get(u.settlement, u.expected), u.expected)
            blocked[u.settlement] = u.blocked_ha
    land_month: dict[str, np.ndarray] = {}
    cumulative_ha = 0.0
    for settlement in sorted(blocked, key=lambda s: (due[s], s)):
        cumulative_ha += blocked[settlement]
        with np.errstate(divide="ignore"):
            months = np.where(
                rate > 0, np.ceil(cumulative_ha / np.where(rate > 0, rate, 1)), np.inf
            )
        land_month[settlement] = months
    return land_month


def _units_by_month(
    units: Sequence[UnitBatch],
    land_month: Mapping[str, np.ndarray],
    delays: np.ndarray,
    rng: np.random.Generator,
    *,
    index: Mapping[str, int],
    now: dt.date,
    horizon: int,
    runs: int,
) -> np.ndarray:
    """Homes free by each month, per district and run (cumulative): each batch finished
    on its date plus a drawn delay, and not before its land is ready."""
    supply = np.zeros((len(index), runs, horizon + 2))
    rows = np.arange(runs)
    for u in units:
        if u.count == 0:
            continue
        if u.ready:
            month = np.zeros(runs)
        else:
            if delays.size >= MIN_OBSERVED_DELAYS:
                delay = rng.choice(delays, size=runs)
            else:
                delay = rng.exponential(DEFAULT_DELAY_DAYS, size=runs)
            finish = np.datetime64(u.expected, "D") + np.round(delay).astype("timedelta64[D]")
            month = (finish.astype("datetime64[M]") - np.datetime64(now, "M")).astype(float)
        if u.settlement in land_month:
            month = np.maximum(month, land_month[u.settlement])
        month = np.where(np.isfinite(month), np.clip(month, 1, horizon + 1), horizon + 1)
        np.add.at(supply[index[u.district]], (rows, month.astype(int)), u.count)
    return np.cumsum(supply, axis=2)


def _move_in(
    done: np.ndarray,
    units_by_month: np.ndarray,
    willing: np.ndarray,
    persons_per_household: np.ndarray,
    seats: Mapping[dt.date, float],
    sustained: float,
    *,
    now: dt.date,
    horizon: int,
) -> np.ndarray:
    """Cumulative returned persons per district, run and month (column 0: now): each month
    willing households move into free homes, as many as the month's cohort seats allow."""
    last_scheduled = max(seats) if seats else None
    moved = np.zeros_like(willing, dtype=float)
    paths = np.zeros((*willing.shape, horizon + 1))
    paths[:, :, 0] = done[:, None]
    for m in range(1, horizon + 1):
        month = add_months(now, m)
        if last_scheduled is None:
            capacity = math.inf
        elif month <= last_scheduled:
            capacity = seats.get(month, 0)
        else:
            capacity = sustained
        want = np.maximum(0, np.minimum(units_by_month[:, :, m] - moved, willing - moved))
        persons = want * persons_per_household[:, None]
        total = persons.sum(axis=0)
        scale = np.where(total > capacity, capacity / np.where(total > 0, total, 1), 1.0)
        moved += np.floor(want * scale[None, :])
        paths[:, :, m] = done[:, None] + moved * persons_per_household[:, None]
    return paths


def _history(
    returned: Mapping[str, Mapping[dt.date, float]],
    *,
    districts: frozenset[str] | None,
    months: list[dt.date],
) -> list[float]:
    """Cumulative returns at each of ``months``; the first counts every return before it."""
    per_month: dict[dt.date, float] = {}
    for district, values in returned.items():
        if districts is None or district in districts:
            for month, value in values.items():
                per_month[_month(month)] = per_month.get(_month(month), 0) + value
    cumulative = sum(v for m, v in per_month.items() if months and m < months[0])
    result = []
    for month in months:
        cumulative += per_month.get(month, 0)
        result.append(cumulative)
    return result


def _band(paths: np.ndarray, band: tuple[float, float]) -> Band:
    low, median, high = np.quantile(paths, [band[0], 0.5, band[1]], axis=0)
    return Band(
        low=[float(x) for x in low],
        median=[float(x) for x in median],
        high=[float(x) for x in high],
    )


def _first_reaching(values: list[float], value: float, now: dt.date) -> dt.date | None:
    for m, v in enumerate(values):
        if v >= value:
            return add_months(now, m)
    return None


def _outlook(
    target: TargetSpec,
    paths: np.ndarray,
    now: dt.date,
    band: tuple[float, float],
    inputs: ForecastInputs,
) -> Outlook:
    spread = _band(paths, band)
    returned = spread.median[0]
    deadline = _months_between(now, _month(target.deadline))
    if deadline < 0:  # the deadline has passed: what had returned by then
        by_deadline = sum(
            value
            for district, months in inputs.returned.items()
            if target.districts is None or district in target.districts
            for month, value in months.items()
            if _month(month) <= _month(target.deadline)
        )
        at_deadline = (by_deadline, by_deadline, by_deadline)
        probability = float(by_deadline >= target.value)
    else:
        deadline = min(deadline, paths.shape[1] - 1)
        at_deadline = (spread.low[deadline], spread.median[deadline], spread.high[deadline])
        probability = float(np.mean(paths[:, deadline] >= target.value))
    recent_months = [add_months(now, -n) for n in range(PACE_MONTHS, -1, -1)]
    recent = recent_returns(
        recent_months,
        _history(inputs.returned, districts=target.districts, months=recent_months),
        now,
    )
    pace = recent.per_month
    at_pace = reached_at_pace(target.value, returned=returned, pace=pace, now=now)
    return Outlook(
        target=target,
        returned=returned,
        reached_on=_first_reaching(spread.median, target.value, now),
        earliest=_first_reaching(spread.high, target.value, now),
        probability_by_deadline=probability,
        at_deadline=at_deadline,
        shortfall=max(0.0, target.value - at_deadline[1]),
        pace_per_month=pace,
        at_current_pace=at_pace,
        status=target_status(
            value=target.value,
            returned=returned,
            deadline=target.deadline,
            today=inputs.today,
            at_deadline=at_deadline,
        ),
    )
