"""Every exercise's anticipated wrong answers get their own, specific hint (at least three per
exercise); blank answers say "No answer yet" in plain words; the hint ladder ends with the
worked answer, which is the lesson's own solution.

Each wrong answer is made here the way a learner would make it, independently of the check.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import numpy as np
import polars as pl
import pytest
from scipy import stats

from mkt_engineering import attribution, experiments, ltv, nurture, teaching
from mkt_engineering.synthetic.experiment import generate as generate_experiment
from mkt_engineering.synthetic.leads import generate as generate_leads
from mkt_engineering.teaching import feedback, ladder
from mkt_engineering.teaching import student_edition as edition
from mkt_engineering.teaching import welcome_checks as welcome
from mkt_engineering.teaching.workshop import LESSONS_DIR, lesson_paths

TOY_PATHS = pl.DataFrame(
    {
        "path": [["A", "B"], ["A"], ["B"], ["A", "C", "B"], ["C"]],
        "conversions": [2.0, 0, 1, 1, 0],
        "non_conversions": [1.0, 2, 1, 0, 1],
    }
)


def _expect(feedback_, fragment: str) -> None:
    text = f"{feedback_.message} {feedback_.hint or ''}"
    assert not feedback_.passed and fragment in text, text


# ---------------------------------------------------------------- lesson 00
RESULTS = welcome.campaign_results()
SPEND = welcome.media_spend().rename(welcome.SPEND_COLUMNS)


def test_00_search_leads():
    search = RESULTS.filter(pl.col("channel") == "search")
    check = teaching.check_search_leads
    _expect(check(RESULTS["leads"].sum()), "total of all channels")
    _expect(check(search["clicks"].sum()), "counts clicks")
    _expect(check(search["leads"].mean()), "average week")
    _expect(check(search.height), "counts rows (weeks)")


def test_00_joined_spend():
    check = teaching.check_joined_spend
    on = {"left_on": ["channel", "week"], "right_on": ["channel", "period_start"]}
    _expect(check(RESULTS.join(SPEND, how="inner", **on)), "how='left'")
    by_channel = RESULTS.join(SPEND, on="channel", how="left")
    _expect(check(by_channel), "AND the week")
    _expect(check(RESULTS), "lacks the column(s) spend")
    _expect(check(RESULTS.join(SPEND, how="left", **on).lazy()), ".collect()")


def test_00_cost_per_lead_weekly_average_is_named_not_a_missing_row():
    joined = RESULTS.join(
        SPEND, left_on=["channel", "week"], right_on=["channel", "period_start"], how="left"
    )
    check = teaching.check_cost_per_lead
    # the learner's weekly average: email weeks have no spend, so their mean is empty
    weekly = (
        joined.with_columns((pl.col("spend") / pl.col("leads")).alias("weekly"))
        .group_by("channel")
        .agg(pl.col("weekly").mean().alias("cost_per_lead"))
    )
    result = check(weekly)
    _expect(result, "averages the weekly cost per lead")
    assert "missing" not in result.message
    totals = joined.group_by("channel").agg(pl.col("spend").sum(), pl.col("leads").sum())
    upside_down = totals.select(
        "channel", (pl.col("leads") / pl.col("spend")).alias("cost_per_lead")
    )
    _expect(check(upside_down), "upside down")
    unnamed = totals.select("channel", pl.col("spend") / pl.col("leads"))
    _expect(check(unnamed), "lacks the column(s) cost_per_lead")
    _expect(check(pl.concat([weekly, weekly])), "more than once")


def test_00_revenue_chart():
    per_channel = RESULTS.group_by("channel").agg(pl.col("revenue").sum(), pl.col("leads").sum())
    check = teaching.check_revenue_chart
    _expect(check(per_channel), "This is the data, not a chart")
    _expect(check(alt.Chart(per_channel).mark_line().encode(x="channel", y="revenue")), "mark_line")
    swapped = alt.Chart(per_channel).mark_bar().encode(x="revenue", y="channel")
    _expect(check(swapped), "Swap the two fields")
    leads = alt.Chart(per_channel).mark_bar().encode(x="channel", y="leads")
    _expect(check(leads), "Which column answers the question")


# ---------------------------------------------------------------- lesson 01
def test_01_conversion_probability():
    check = teaching.check_conversion_probability
    _expect(check(4 / 5, TOY_PATHS), "non-converting journeys only")
    _expect(check(0.44, TOY_PATHS), "round an intermediate result")
    _expect(check(100 * 4 / 9, TOY_PATHS), "percentage")
    _expect(check(0.2, TOY_PATHS), "Count all journeys")


def test_01_removal_effect_hand_routes():
    check = teaching.check_removal_effect
    probability = 4 / 9
    # B -> conversion taken as "half" (the journeys that are only B) instead of 4/6
    half = 2 / 9 * 1 / 2 + 1 / 9 * 1 / 2 * 1 / 2
    _expect(check(1 - half / probability, TOY_PATHS, "A"), "4 of the 6 steps")
    # the route through C forgotten
    _expect(check(1 - (2 / 9 * 4 / 6) / probability, TOY_PATHS, "A"), "route through C")
    # the surviving share instead of the lost one: 5/12 instead of 7/12
    _expect(check(5 / 12, TOY_PATHS, "A"), "survive without the channel")


def test_01_model_cell_does_not_print_the_answer_of_exercise_2():
    lesson = edition.read_lesson(LESSONS_DIR / "01_attribution.ipynb")
    ex2 = next(i for i, c in enumerate(lesson.cells) if "removal_effect_a" in c.source)
    before = "\n".join(edition.output_text(c) + c.source for c in lesson.cells[:ex2])
    assert "0.5833" not in before and "7/12" not in before
    assert "half convert" not in before


def test_01_linear_credit():
    check = teaching.check_linear_credit
    right = attribution.linear(TOY_PATHS).select("channel", "conversions")
    total = TOY_PATHS["conversions"].sum()
    shares = right.with_columns(pl.col("conversions") / total)
    _expect(check(shares, TOY_PATHS), "adds up to 1")
    # each converting path row counted once, whatever its number of conversions
    unweighted = pl.DataFrame(
        {"channel": ["A", "B", "C"], "conversions": [1 / 2 + 1 / 3, 1 / 2 + 1 + 1 / 3, 1 / 3]}
    )
    _expect(check(unweighted, TOY_PATHS), "converting path rows")
    _expect(check(right.rename({"conversions": "credit"}), TOY_PATHS), "conversions")
    _expect(check(right.to_series(1), TOY_PATHS), "single column")


def test_01_best_model():
    errors = pl.DataFrame({"model": ["last_touch", "linear", "markov"], "error": [0.3, 0.2, 0.05]})
    check = teaching.check_best_model
    _expect(check("last_touch", errors), "furthest from the truth")
    _expect(check("linear", errors), "Sort the error table")
    _expect(check("random", errors), "not one of the models")
    _expect(check(errors.sort("error")["model"], errors), "one model's name")


# ---------------------------------------------------------------- lesson 02
END = date(2025, 12, 31)


@pytest.fixture(scope="module")
def orders(project_root):
    return pl.read_csv(project_root / "datasets/orders/orders.csv", try_parse_dates=True)


def test_02_cohort_retention(orders):
    check = teaching.check_cohort_retention
    retention = ltv.cohort_matrix(orders, metric="retention")
    jan = retention.filter(pl.col("cohort") == date(2024, 1, 1))
    _expect(check(1.0, orders), "period 0")
    _expect(check(jan.filter(pl.col("period") == 2)["value"].item(), orders), "period 2")
    customers = ltv.cohort_matrix(orders, metric="customers").filter(
        (pl.col("cohort") == date(2024, 1, 1)) & (pl.col("period") == 1)
    )
    _expect(check(customers["value"].item(), orders), "number of customers")
    _expect(check(100 * jan.filter(pl.col("period") == 1)["value"].item(), orders), "percentage")


def test_02_average_order_value(orders):
    check = teaching.check_average_order_value
    revenue = orders["revenue"].to_numpy()
    _expect(check(revenue.sum() / orders["customer_id"].n_unique(), orders), "per customer")
    _expect(check(float(np.median(revenue)), orders), "median")
    _expect(check(revenue.sum(), orders), "total revenue")


def test_02_rfm_table(orders):
    check = teaching.check_rfm_table
    rfm = ltv.rfm_summary(orders, END)
    # built by hand without recency: 'frequency' must not be offered as a misspelt 'recency'
    by_hand = rfm.select("customer_id", "frequency", "T", "monetary_value")
    result = check(by_hand, orders, END)
    _expect(result, "recency")
    assert "Is 'frequency' meant to be" not in result.hint and "rfm_summary" in result.hint
    _expect(check(rfm.with_columns(pl.col("frequency") + 1), orders, END), "first purchase")
    in_days = ltv.rfm_summary(orders, END, time_unit="D")
    _expect(check(in_days, orders, END), "in days")
    _expect(check(rfm.lazy(), orders, END), "LazyFrame")


@pytest.fixture(scope="module")
def ltv_models(orders):
    calibration = ltv.rfm_summary(orders, END, calibration_end=date(2025, 6, 30))
    rfm = ltv.rfm_summary(orders, END)
    return (
        calibration,
        ltv.BetaGeo().fit(calibration),
        ltv.BetaGeo().fit(rfm),
        ltv.GammaGamma().fit(rfm),
    )


def test_02_holdout_error(ltv_models):
    calibration, tested, _, _ = ltv_models
    check = teaching.check_holdout_error
    metrics = ltv.holdout_metrics(tested, calibration)
    predicted, actual = metrics["predicted_purchases"], metrics["actual_purchases"]
    _expect(check((actual - predicted) / actual, tested, calibration), "sign is flipped")
    _expect(check(predicted - actual, tested, calibration), "gap in purchases")
    _expect(check(metrics["mae"], tested, calibration), "mean absolute error")


def test_02_new_customer_clv(ltv_models, orders):
    _, _, purchases, spend_model = ltv_models
    check = teaching.check_new_customer_clv
    margin = ltv.margin_share(orders)

    def value(**changes):
        options = {"horizon_months": 12, "discount_rate": 0.10, "margin": margin, **changes}
        frame = ltv.new_customer_value(purchases, spend_model, **options)
        return frame["cumulative_value"][-1]

    args = (purchases, spend_model)
    options = {"margin": margin, "discount_rate": 0.10}
    _expect(check(value(margin=1.0), *args, **options), "value in revenue")
    _expect(check(value(discount_rate=0.0), *args, **options), "not discounted")
    _expect(check(value(include_first_purchase=False), *args, **options), "first order")


# ---------------------------------------------------------------- lesson 03
UNITS = generate_experiment(scale=0.2).tables["experiment"]


def test_03_sample_size():
    check = teaching.check_sample_size
    _expect(check(experiments.sample_size(0.10, 0.12)), "not the target rate")
    _expect(check(2 * experiments.sample_size(0.10, 0.02)), "both arms")
    _expect(check(experiments.sample_size(0.10, 0.02, relative=True)), "relative")
    _expect(check(experiments.sample_size(0.10, 0.02, power=0.9)), "90% power")


def test_03_conversion_rates():
    check = teaching.check_conversion_rates
    right = UNITS.group_by("variant").agg(pl.col("converted").mean().alias("conversion_rate"))
    unnamed = UNITS.group_by("variant").agg(pl.col("converted").mean())
    result = check(unnamed, UNITS)
    _expect(result, "(yours is 'converted')")
    no_variant = right.select("conversion_rate")
    result = check(no_variant, UNITS)
    _expect(result, "group_by('variant')")
    assert "yours is 'conversion_rate'" not in result.hint
    counts = UNITS.group_by("variant").agg(pl.col("converted").sum().alias("conversion_rate"))
    _expect(check(counts, UNITS), "counts of conversions")
    _expect(check(right.with_columns(pl.col("conversion_rate") * 100), UNITS), "percentages")


@pytest.fixture(scope="module")
def simulation():
    return experiments.simulate_aa(experiments=2000, seed=1)


def test_03_peeking_rate(simulation):
    check = teaching.check_peeking_rate
    rates = dict(simulation.select("procedure", "rejection_rate").iter_rows())
    _expect(check(0.05, simulation), "promises")
    _expect(check(rates["fixed-horizon z-test, once at the end"], simulation), "once at the end")
    _expect(check(rates["mSPRT always-valid test, checked daily"], simulation), "always-valid")


def test_03_srm_p_value():
    counts = {"control": 5000, "treatment": 5210}
    check = teaching.check_srm_p_value
    _expect(check(True, counts), ".p_value")
    shares = np.array([5000, 5210]) / 10210
    _expect(check(stats.chisquare(shares).pvalue, counts), "tested the shares")
    one_sided = stats.binomtest(5000, 10210).pvalue / 2
    _expect(check(one_sided, counts), "one-sided")


@pytest.fixture(scope="module")
def ab_result():
    return experiments.analyze(UNITS, experiments.AnalysisPlan("converted"))


def test_03_verdict(ab_result):
    check = teaching.check_verdict
    _expect(check(ab_result.verdict, ab_result), "the whole verdict")
    _expect(check(f"Verdict: {ab_result.verdict.decision}", ab_result), "whole headline")
    _expect(check("launch", ab_result), "not one of the four decisions")
    other = next(
        d for d in ("ship", "do not ship", "keep running") if d != ab_result.verdict.decision
    )
    _expect(check(other, ab_result), "Read the reasons")


# ---------------------------------------------------------------- lessons 04 and 05
@pytest.fixture(scope="module")
def timeline():
    data = generate_leads(seed=42, scale=0.3)
    events = data.tables["lead_events"]
    return nurture.attach_lead_attributes(nurture.stage_timeline(events), data.tables["leads"])


def test_04_naive_mean(timeline):
    check = teaching.check_naive_mean
    qualified = timeline.filter(pl.col("qualified") == 1)["days_in_nurturing"]
    _expect(check(timeline["days_in_nurturing"].mean(), timeline), "averaged over all leads")
    _expect(check(float(np.median(qualified.to_numpy())), timeline), "median")
    _expect(check(qualified.len(), timeline), "how many leads qualified")


def test_04_censored_share(timeline):
    check = teaching.check_censored_share
    still = (timeline["nurture_exit"] == "none").to_numpy()
    _expect(check(1 - timeline["qualified"].mean(), timeline), "NOT qualified")
    _expect(check(int(still.sum()), timeline), "count of leads")
    _expect(check(100 * still.mean(), timeline), "percentage")


def test_04_survival_input(timeline):
    check = teaching.check_survival_input
    unnamed = timeline.select("days_in_nurturing", "qualified")
    _expect(check(unnamed, timeline), "'days_in_nurturing' → 'days'")
    right = timeline.select(
        pl.col("days_in_nurturing").alias("days"), pl.col("qualified").alias("mql")
    )
    _expect(check(right.filter(pl.col("mql") == 1), timeline), "only the qualified")
    _expect(check(right.with_columns(mql=pl.lit(1)), timeline), "Every lead has mql = 1")
    _expect(check(right.lazy(), timeline), ".collect()")


def test_04_share_not_qualified(timeline):
    check = teaching.check_share_not_qualified
    curve = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    not_yet = nurture.survival_at(curve, [30])[0]
    _expect(check(1 - not_yet, timeline), "HAS qualified")
    qualified_by_30 = (timeline["qualified"] == 1) & (timeline["days_in_nurturing"] <= 30)
    _expect(check(1 - qualified_by_30.mean(), timeline), "full time")
    _expect(check(100 * not_yet, timeline), "percentage")


def test_04_early_win_rate(timeline):
    check = teaching.check_early_win_rate
    contacts = nurture.sales_contacts(timeline)
    _expect(check(contacts["won"].mean(), timeline), "all calls")
    ready = contacts.filter(~pl.col("contacted_before_ready"))["won"].mean()
    _expect(check(ready, timeline), "called when ready")
    every_early = timeline.filter(pl.col("contacted_before_ready"))
    _expect(check((every_early["outcome"] == "won").mean(), timeline), "last weeks")


COMPARISON = pl.DataFrame(
    {
        "model": ["last_touch"] * 3 + ["markov"] * 3,
        "channel": ["search", "display", "email"] * 2,
        "share": [0.6, 0.1, 0.3, 0.4, 0.25, 0.35],
    }
)


def test_05_biggest_gain():
    check = teaching.check_biggest_gain
    _expect(check("search", COMPARISON), "loses share under Markov")
    _expect(check("tv", COMPARISON), "not one of the channels")
    _expect(check(COMPARISON, COMPARISON), "one channel name")
    _expect(check("email", COMPARISON), "subtract last touch")


def test_05_losing_channels():
    values = pl.DataFrame(
        {"acquisition_channel": ["search", "display", "social"], "ltv_cac": [2.0, 0.5, 0.8]}
    )
    check = teaching.check_losing_channels
    _expect(check(["search"], values), "other way round")
    _expect(check(["search", "display", "social"], values), "too long")
    _expect(check("display", values), "list of channel names")
    _expect(check(["display"], values), "ltv_cac")


def test_05_conversion_effect():
    plan = experiments.AnalysisPlan("converted", secondary_metrics=["revenue"])
    result = experiments.analyze(UNITS, plan)
    row = result.effects.filter(pl.col("metric") == "converted").row(0, named=True)
    revenue = result.effects.filter(pl.col("metric") == "revenue")["effect"][0]
    check = teaching.check_conversion_effect
    _expect(check(row["lift"], result), "relative lift")
    _expect(check(row["treatment_value"], result), "new page alone")
    _expect(check(revenue, result), "effect on revenue")


def test_05_share_ready(timeline):
    check = teaching.check_share_ready
    curve = nurture.kaplan_meier(timeline["days_in_nurturing"], timeline["qualified"])
    not_yet = nurture.survival_at(curve, [60])[0]
    _expect(check(not_yet, timeline), "share NOT yet qualified")
    within = (timeline["qualified"] == 1) & (timeline["days_in_nurturing"] <= 60)
    _expect(check(within.mean(), timeline), "whole time")
    _expect(check(timeline["qualified"].mean(), timeline), "at any time")


# ---------------------------------------------------------------- blank answers and the ladder
# every check of a lesson module (the doctests of ladder.py register a toy one of their own)
LESSON_CHECKS = sorted(
    name
    for name in teaching.__all__
    if name.startswith("check_") and getattr(teaching, name).__module__.endswith("_checks")
)


def test_every_exercise_has_a_ladder_and_a_check():
    assert len(LESSON_CHECKS) >= 27
    for name in LESSON_CHECKS:
        rungs = ladder.LADDERS[name]
        assert len(rungs) == 3 and all(rung.strip() for rung in rungs), name


@pytest.mark.parametrize("blank", [None, ..., "", "   "])
def test_blank_answers_say_no_answer_yet_in_plain_words(blank):
    result = teaching.check_search_leads(blank)
    assert not result.passed and result.message == "No answer yet for search_leads."
    assert "NoneType" not in str(result) and "Stuck? hint(1)" in str(result)
    for check in (teaching.check_verdict, teaching.check_best_model):
        text = str(check(blank, None))
        assert "No answer yet" in text and "NoneType" not in text


def test_blank_answer_continues_with_the_reference_value():
    result = teaching.check_joined_spend(None)
    value = result.use()
    # the reference is the left join of the two exports, made here with plain polars
    expected = RESULTS.join(
        SPEND, left_on=["channel", "week"], right_on=["channel", "period_start"], how="left"
    )
    assert value.equals(expected)
    assert "Using the reference value for with_spend" in str(result)
    right = teaching.check_joined_spend(expected)
    assert right.use() is expected and "reference" not in str(right)


def test_german_words(monkeypatch):
    feedback.set_language("de")
    try:
        result = teaching.check_search_leads(None)
        assert result.message == "Noch keine Antwort für search_leads."
        result.use()
        assert "Referenzwert" in str(result) and "Tipp:" in str(result)
        assert str(ladder.hint(3)).startswith("Lösungsweg für search_leads")
    finally:
        feedback.set_language("en")
    with pytest.raises(ValueError, match="'en' or 'de'"):
        feedback.set_language("fr")


def test_hint_ladder_climbs_to_the_worked_answer():
    teaching.check_sample_size(None)
    first, second, worked = (str(teaching.hint(step)) for step in (1, 2, 3))
    assert first.startswith("Hint 1 of 3 for users_per_arm")
    assert "difference, not the target rate" in second
    assert "experiments.sample_size(0.10, 0.02)" in worked
    assert str(teaching.hint(1, teaching.check_rfm_table)).endswith("ltv.rfm_summary(orders, ...).")
    with pytest.raises(ValueError, match="1, 2 or 3"):
        teaching.hint(4)
    with pytest.raises(ValueError, match="no exercise"):
        teaching.hint(1, "check_nothing")


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda path: path.stem)
def test_worked_answer_is_the_lessons_solution(path):
    """hint(3) shows what the solution cell does, line for line, so the two never drift."""
    lesson = edition.read_lesson(path)
    cells = lesson.cells
    for index, cell in enumerate(cells):
        if not edition.is_solution(cell):
            continue
        check_cell = next(c for c in cells[index + 1 : index + 3] if edition.is_check(c))
        name = check_cell.source.split("teaching.")[1].split("(")[0]
        worked = ladder.LADDERS[name][2]
        names = edition.assigned_names(cell.source)
        shown = [  # a last line that only displays the answer (rfm.head()) is no step
            line
            for line in edition.code_lines(cell.source)
            if "=" in line or not line.startswith(tuple(names))
        ]
        missing = [line for line in shown if line not in worked]
        assert not missing, f"{path.stem} {name}: the worked answer lacks {missing}"
