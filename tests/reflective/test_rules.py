"""The rules that make a reflective discussion due, read from data."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from learning_app.accounts.constants import Band, Grade, experience_band
from learning_app.framework.loader import DEFAULT_FRAMEWORK_PATH
from learning_app.reflective.oversight_measures import Cadences
from learning_app.reflective.rules import (
    DEFAULT_RULES_PATH,
    Rosh,
    RulesError,
    cadence_weeks,
    due_on,
    parse_rules,
    read_rules_file,
)
from learning_app.reflective.working_days import bank_holidays

TODAY = date(2026, 11, 23)
RULES = read_rules_file()


def default_document() -> dict:
    with DEFAULT_RULES_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def framework_slugs() -> set[str]:
    with DEFAULT_FRAMEWORK_PATH.open(encoding="utf-8") as handle:
        framework = yaml.safe_load(handle)
    return {s["slug"] for d in framework["domains"] for s in d["skills"]}


def test_the_default_rules_name_only_skills_of_the_default_framework():
    rules = parse_rules(default_document(), known_skills=framework_slugs())
    assert len(rules.case_events) == 7
    assert rules.case_event("rosh-high").focus_skills[0] == "rosh-analysis"


@pytest.mark.parametrize(
    ("band", "started_on", "qualified_on", "weeks"),
    [
        (Band.TRAINEE, date(2025, 9, 1), None, 2),
        (Band.PSO, date(2026, 3, 1), None, 4),  # first year
        (Band.PSO, date(2025, 11, 23), None, 6),  # 12 months to the day
        (Band.PSO, date(2025, 11, 24), None, 4),  # a day short of 12 months
        (Band.NEW, date(2020, 1, 1), date(2026, 6, 1), 4),
        (Band.NEW, date(2020, 1, 1), date(2025, 6, 1), 6),
        (Band.EXPERIENCED, date(2010, 1, 1), date(2012, 6, 1), 8),
        (Band.SPO, date(2010, 1, 1), date(2012, 6, 1), None),  # SPOs meet their head, not an SPO
        (None, None, None, None),
    ],
)
def test_cadence_by_band_and_time_in_role(band, started_on, qualified_on, weeks):
    assert cadence_weeks(RULES, band, started_on, qualified_on, TODAY) == weeks


def test_a_case_event_applies_by_band_and_risk_level():
    rosh_high = RULES.case_event("rosh-high")
    assert rosh_high.applies(Band.PSO, Rosh.HIGH)
    assert rosh_high.applies(Band.NEW, Rosh.VERY_HIGH)
    assert not rosh_high.applies(Band.PSO, Rosh.MEDIUM)
    assert not rosh_high.applies(Band.EXPERIENCED, Rosh.VERY_HIGH)
    assert not rosh_high.applies(Band.PSO, None)
    assert RULES.case_event("mappa").applies(Band.EXPERIENCED, None)


def test_due_dates_count_working_days():
    # Logged on Thursday 24 December 2026: Christmas, Boxing Day (Monday 28th substitute) skipped.
    assert due_on(date(2026, 12, 24), 5, bank_holidays()) == date(2027, 1, 5)


def test_every_problem_is_named_with_its_rule_and_field():
    document = default_document()
    document["cadence"][0]["every_weeks"] = 0
    document["cadence"][1]["since"] = "birthday"
    document["case_events"][0]["min_rosh"] = "extreme"
    document["case_events"][1]["focus_skills"] = ["mind-reading"]
    document["case_events"][2]["code"] = document["case_events"][3]["code"]
    document["follow_ups"][0]["due_working_days"] = "five"
    with pytest.raises(RulesError) as raised:
        parse_rules(document, known_skills=framework_slugs())
    problems = raised.value.problems
    assert "Cadence rule 1: every_weeks must be a whole number from 1 to 26" in problems
    assert "Cadence rule 2: since must be started_on or qualified_on" in problems
    assert "Case event 1: min_rosh must be one of low, medium, high, very_high" in problems
    assert "Case event 2: focus skill 'mind-reading' is not in the published framework" in problems
    assert "The case event code 'mappa' is used more than once" in problems
    assert "Follow-up 1: due_working_days must be a whole number from 1 to 30" in problems


def test_cadence_must_cover_every_month_of_every_band():
    document = default_document()
    document["cadence"] = [r for r in document["cadence"] if r["band"] != "experienced"]
    gap = copy.deepcopy(document)
    gap["cadence"][2]["months_from"] = 13  # PSO: 0-12, then 13+
    with pytest.raises(RulesError) as missing:
        parse_rules(document)
    assert "No cadence rule for PO qualified 2 years or more" in missing.value.problems
    with pytest.raises(RulesError) as gapped:
        parse_rules(gap)
    assert "The cadence rules for PSO must cover every month from 0, without gaps" in (
        gapped.value.problems
    )


@pytest.mark.parametrize("document", [None, [], "rules", {"cadence": "weekly"}])
def test_a_document_of_the_wrong_shape_is_refused(document):
    with pytest.raises(RulesError):
        parse_rules(document)


@given(
    people=st.lists(
        st.tuples(
            st.sampled_from([g.value for g in Grade]),
            # Few years apart, so that many people share a combination.
            st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2026, 12, 31))),
            st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2026, 12, 31))),
        ),
        min_size=20,
        max_size=80,
    ),
    today=st.dates(date(2026, 6, 1), date(2027, 3, 31)),
)
def test_cadences_worked_out_once_a_combination_match_each_persons_own(people, today):
    """One ``Cadences`` serves a whole page: whoever was worked out first, everyone gets
    the band and cadence their own dates give."""
    cadences = Cadences(RULES, today)
    for grade, started_on, qualified_on in people:
        band = experience_band(grade, qualified_on, today)
        own = (band, cadence_weeks(RULES, band, started_on, qualified_on, today))
        assert cadences.of(grade, started_on, qualified_on) == own


def test_cadences_tell_apart_each_side_of_every_limit() -> None:
    """Through one ``Cadences``: POs 6, 15 and 30 months after qualifying (new and
    monthly, new and six-weekly, experienced) and PSOs 6 and 18 months after starting."""
    cadences = Cadences(RULES, TODAY)
    qualified = [date(2026, 5, 23), date(2025, 8, 23), date(2024, 5, 23)]
    po = [cadences.of("PO", None, day) for day in qualified]
    assert po == [(Band.NEW, 4), (Band.NEW, 6), (Band.EXPERIENCED, 8)]
    pso = [cadences.of("PSO", day, None) for day in (date(2026, 5, 23), date(2025, 5, 23))]
    assert pso == [(Band.PSO, 4), (Band.PSO, 6)]
