"""Plain-language readings of the nurture results, in English or German number format.

Each function takes the frame (or model) of one analysis and returns one or a few
sentences a marketer can read without the table.

Examples
--------
>>> headline(23.4, 60)
'Median 23 days to MQL; hand over at score ≥ 60'
>>> headline(None, None)
'Fewer than half of the leads reach MQL; no handoff threshold stands out'
"""

from __future__ import annotations

import polars as pl

from mkt_engineering.text import Language, markdown_literal, number, percent, points

OBSERVATIONAL = (
    "This is an observational comparison: nobody decided at random when sales called, so part of the "
    "difference may come from how the leads differed. Only a test (for example, holding back half of the "
    "early calls) can prove the effect."
)


def headline(median_days: float | None, threshold: float | None) -> str:
    """The one line for the reports index.

    `median_days` is the median time to MQL of the leads that qualify (e.g. the cure
    model's latency median); `threshold` the recommended handoff score.
    """
    first = (
        f"Median {number(median_days)} days to MQL"
        if median_days is not None
        else "Fewer than half of the leads reach MQL"
    )
    second = (
        f"hand over at score ≥ {number(threshold)}"
        if threshold is not None
        else "no handoff threshold stands out"
    )
    return f"{first}; {second}"


def explain_time_to_qualify(
    median_days: float | None,
    share_by: dict[float, float],
    *,
    naive_mean: float | None = None,
    median_of_qualifiers: float | None = None,
    language: Language = "en",
) -> str:
    """Median time to MQL from the Kaplan-Meier curve, and shares qualified by given days."""
    parts = []
    if median_days is None:
        parts.append(
            "Fewer than half of all leads reach MQL, so there is no median time to MQL for all leads."
        )
    else:
        parts.append(
            f"Half of all leads reach MQL within {number(median_days, 0, language)} days "
            "(Kaplan-Meier, which also counts the leads still in nurturing)."
        )
    shares = ", ".join(
        f"{percent(share, 0, language)} by day {number(day, 0, language)}"
        for day, share in share_by.items()
    )
    if shares:
        parts.append(f"Qualified: {shares}.")
    if median_of_qualifiers is not None:
        parts.append(
            f"Among the leads that do qualify, half take less than {number(median_of_qualifiers, 0, language)} days "
            "(cure model, below)."
        )
    if naive_mean is not None:
        parts.append(
            f"The plain average of the converted leads alone, {number(naive_mean, 0, language)} days, ignores "
            "the leads that are still waiting and the ones that never qualify."
        )
    return " ".join(parts)


def explain_cure(
    cure_fraction: float, median_latency: float, shape: float, language: Language = "en"
) -> str:
    """Reading of the mixture cure model."""
    trend = (
        "becomes more likely for a while and then fades"
        if shape > 1
        else "is most likely right after entry"
    )
    return (
        f"The cure model estimates that {percent(cure_fraction, 0, language)} of the leads will never reach MQL, "
        f"however long they are nurtured. Those that do take a median of {number(median_latency, 0, language)} days; "
        f"readiness {trend}."
    )


def explain_exits(table: pl.DataFrame, day: float, language: Language = "en") -> str:
    """Cumulative incidence of each way out of nurturing at one day (from `incidence_at`)."""
    at_day = table.filter(pl.col("day") == day).sort("cumulative_incidence", descending=True)
    parts = [
        f"{percent(row['cumulative_incidence'], 0, language)} {row['cause'].replace('_', ' ')}"
        for row in at_day.iter_rows(named=True)
    ]
    return (
        f"After {number(day, 0, language)} days: {', '.join(parts)}. The rest are still in nurturing. "
        "These shares add up, unlike 1 − Kaplan-Meier per cause, which would count an unsubscribed lead as "
        "one that could still qualify."
    )


def explain_green_banana(effect: pl.DataFrame, language: Language = "en") -> str:
    """Green-banana comparison, always with the observational caveat."""
    rows = {r["measure"]: r for r in effect.iter_rows(named=True)}
    early, ready = rows["win rate, called before ready"], rows["win rate, called when ready"]
    adjusted = rows["difference, adjusted"]
    odds = rows["odds ratio, adjusted"]
    direction = "lower" if adjusted["estimate"] < 0 else "higher"
    return (
        f"Leads called before they were ready won {percent(early['estimate'], 0, language)} of the time "
        f"({number(early['leads'], 0, language)} leads), leads called when ready {percent(ready['estimate'], 0, language)}. "
        f"Compared with similar leads (same persona, source and customer status), an early call goes with a win "
        f"rate {points(abs(adjusted['estimate']), 0, language)} {direction} (95% interval of the difference "
        f"{number(100 * adjusted['ci_low'], 0, language)} to {points(adjusted['ci_high'], 0, language)}; odds ratio "
        f"{number(odds['estimate'], 2, language)}). {OBSERVATIONAL}"
    )


def explain_handoff_rule(rule: pl.DataFrame, language: Language = "en") -> str:
    """The recommended score threshold and its expected gain."""
    chosen = rule.filter(pl.col("recommended"))
    if chosen.is_empty():
        return "No score threshold separates early calls with clearly lower win rates; keep the current rule."
    row = chosen.row(0, named=True)
    return (
        f"Recommended: hand a lead to sales once its score reaches {number(row['threshold'], 0, language)}. "
        f"Leads called below it won {percent(row['win_rate_below'], 0, language)}, leads at or above it "
        f"{percent(row['win_rate_above'], 0, language)}. Had the {number(row['contacts_below'], 0, language)} "
        f"calls below the threshold waited, about {number(row['extra_wins'], 0, language)} more wins would follow "
        f"(95% interval {number(row['extra_wins_low'], 0, language)} to {number(row['extra_wins_high'], 0, language)}) "
        "if waiting lets them win like the others; an optimistic, observational estimate."
    )


def explain_speed_to_lead(table: pl.DataFrame, language: Language = "en") -> str:
    """How the fast-lane win rate falls with the hours until the call."""
    slope = table["log_odds_per_hour"][0]
    first, last = table.row(0, named=True), table.row(-1, named=True)
    return (
        f"Fast-lane requests called back within {first['hours']} won {percent(first['win_rate'], 0, language)}, "
        f"those called after {last['hours'].split('–')[0]} hours {percent(last['win_rate'], 0, language)}. "
        f"Each hour of waiting multiplies the odds of winning by {number(2.718281828**slope, 3, language)}."
    )


def explain_unsubscribes(table: pl.DataFrame, language: Language = "en") -> str:
    """Unsubscribe risk by e-mail frequency."""
    low, high = table.row(0, named=True), table.row(-1, named=True)
    ratio = (
        high["per_1000_lead_days"] / low["per_1000_lead_days"]
        if low["per_1000_lead_days"]
        else float("inf")
    )
    return (
        f"At {low['emails_per_week']} e-mails a week, {percent(low['weekly_probability'], 1, language)} of the leads "
        f"unsubscribe per week; at {high['emails_per_week']} it is {percent(high['weekly_probability'], 1, language)} "
        f"({number(ratio, 1, language)} times as many)."
    )


def explain_send_time(heat: pl.DataFrame, min_sends: int = 20, language: Language = "en") -> str:
    """Best and worst send slots."""
    enough = heat.filter(pl.col("sends") >= min_sends).sort("open_rate", descending=True)
    if enough.is_empty():
        return "Too few sends per weekday and hour to compare send times."
    best, worst = enough.row(0, named=True), enough.row(-1, named=True)
    return (
        f"E-mails sent on {best['weekday']} at {best['hour']}:00 were opened most often "
        f"({percent(best['open_rate'], 0, language)}), those sent on {worst['weekday']} at {worst['hour']}:00 least "
        f"({percent(worst['open_rate'], 0, language)})."
    )


def explain_forecast(expected: pl.DataFrame, horizon: float, language: Language = "en") -> str:
    """Expected MQLs from the open leads."""
    row = expected.row(0, named=True)
    return (
        f"Of the {number(row['open_leads'], 0, language)} leads still in nurturing, about "
        f"{number(row['expected_mqls'], 0, language)} (± {number(2 * row['sd'], 0, language)}) should reach MQL in the "
        f"next {number(horizon, 0, language)} days. New leads arriving meanwhile come on top."
    )


def explain_exclusion(
    targeted: pl.DataFrame,
    conversions: pl.DataFrame,
    *,
    mql_score: float,
    personas: list[str] | None,
    require_email: bool,
    language: Language = "en",
) -> str:
    """A neutral paragraph on who the targeting rules leave out."""
    excluded = int((~targeted["reaches_sales"]).sum())
    rules = [f"an MQL score of {number(mql_score, 0, language)}"]
    if personas:
        rules.append(f"the personas {', '.join(markdown_literal(p) for p in personas)}")
    if require_email:
        rules.append("an e-mail address for nurturing")
    reasons = (
        targeted.filter(~pl.col("reaches_sales"))
        .group_by("exclusion_reason")
        .len()
        .sort("len", descending=True)
    )
    reason_text = "; ".join(
        f"{row[0]}: {number(row[1], 0, language)}" for row in reasons.iter_rows()
    )
    wins = int(conversions["wins"].sum()) if conversions.height else 0
    return (
        f"With {', '.join(rules)}, {number(excluded, 0, language)} of {number(targeted.height, 0, language)} leads "
        f"({percent(excluded / max(targeted.height, 1), 0, language)}) never reach sales through nurturing ({reason_text}). "
        f"They still produced {number(wins, 0, language)} wins through the fast lane, sales calls or offline. "
        "Exclusion is not a judgement on these people: it follows from the rules, and the breakdown shows which "
        "groups each rule affects most, so the rules can be checked for fairness and missed demand."
    )


def explain_cox(summary: pl.DataFrame, language: Language = "en") -> str:
    """The strongest significant hazard ratios of a Cox model."""
    significant = (
        summary.filter(pl.col("p_value") < 0.05)
        .with_columns(strength=(pl.col("coef").abs()))
        .sort("strength", descending=True)
        .head(3)
    )
    if significant.is_empty():
        return "No trait changes the speed to MQL clearly (all p-values at least 0.05)."
    parts = [
        f"{row['covariate']}: {number(row['hazard_ratio'], 2, language)} times the daily chance to qualify"
        for row in significant.iter_rows(named=True)
    ]
    return "Compared with the reference group, " + "; ".join(parts) + "."
