"""The recommendation rules: worked examples, then properties that hold for any catalogue.

Pure functions, so no database and no app: see docs/recommendations.md for the rules.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning_app.training.models import DeliveryMode
from learning_app.training.recommend import (
    ModuleOption,
    SkillGap,
    gap_steps,
    needs_observation,
    preference_match,
    recently_completed,
    recommend,
)

TODAY = date(2026, 11, 23)


def gap(slug, level, target=3, *, critical=False, evidence_gap=False, self_reported=False):
    return SkillGap(
        slug=slug,
        name=slug.replace("-", " ").capitalize(),
        level=level,
        target=target,
        gap=max(0.0, target - level) if level is not None else 0.0,
        risk_critical=critical,
        evidence_gap=evidence_gap,
        self_reported=self_reported,
    )


def module(code, mode, *addresses, cohort=None, completed=None, hours=None):
    return ModuleOption(
        code=code,
        title=f"Module {code}",
        mode=mode,
        addresses=tuple(addresses),
        next_cohort_on=cohort,
        completed_on=completed,
        duration_hours=hours,
    )


# A practitioner with three gaps: a risk-critical one, an ordinary one, and one nobody has
# observed enough to say.
RISK = SkillGap(
    slug="risk-of-harm",
    name="Assessing risk of serious harm",
    level=1.8,
    target=3,
    gap=1.2,
    risk_critical=True,
    evidence_gap=False,
    self_reported=False,
)
ENGAGE = SkillGap(
    slug="engagement",
    name="Building a working relationship",
    level=2.4,
    target=3,
    gap=0.6,
    risk_critical=False,
    evidence_gap=False,
    self_reported=False,
)
SAFEGUARDING = SkillGap(
    slug="safeguarding",
    name="Safeguarding children",
    level=2.0,
    target=3,
    gap=1.0,
    risk_critical=True,
    evidence_gap=True,
    self_reported=True,
)
CATALOGUE = [
    module("RSH-EL", "e_learning", ("risk-of-harm", 1, 3)),
    module("RSH-F2F", "face_to_face", ("risk-of-harm", 1, 3), cohort=date(2027, 1, 14)),
    module("RSH-OLD", "face_to_face", ("risk-of-harm", 1, 4), completed=date(2026, 3, 1)),
    module("ENG-EL", "e_learning", ("engagement", 2, 3)),
    module("ENG-CO", "coaching", ("engagement", 2, 3), ("risk-of-harm", 1, 2)),
    module("SAFE-F2F", "face_to_face", ("safeguarding", 2, 3)),
]


def test_worked_example_prefers_online_but_keeps_risk_face_to_face():
    result = recommend([ENGAGE, SAFEGUARDING, RISK], CATALOGUE, {"online"}, TODAY)

    # RSH-EL wins the first round (online, as preferred), ENG-EL the second; the blended rule
    # then adds RSH-F2F for the risk-critical skill, which makes RSH-EL redundant.
    assert [(i.module_code, i.skills) for i in result.items] == [
        ("RSH-F2F", ["risk-of-harm"]),
        ("ENG-EL", ["engagement"]),
    ]
    assert [i.reason for i in result.items] == [
        "For Assessing risk of serious harm (now 1.8, target 3): face-to-face because this "
        "skill keeps people safe and needs practice, not only reading; next cohort 14 January "
        "2027.",
        "For Building a working relationship (now 2.4, target 3): online, as you prefer.",
    ]
    assert [(o.slug, o.reason) for o in result.observe_first] == [
        (
            "safeguarding",
            "Safeguarding children (now 2.0, self-assessed, target 3) has been observed fewer "
            "than twice in the last 12 months: ask your SPO for an observation before choosing "
            "training.",
        )
    ]
    assert result.unmet == [] and result.partly_met == []


def test_worked_example_with_a_coaching_preference_needs_one_module_less():
    result = recommend([RISK, ENGAGE, SAFEGUARDING], CATALOGUE, {"coaching"}, TODAY)

    # RSH-EL and RSH-F2F tie on weight (4) and neither is preferred: in-person wins for a
    # risk-critical skill. ENG-CO (coaching, preferred) then covers engagement.
    assert [(i.module_code, i.skills, i.reason) for i in result.items] == [
        (
            "RSH-F2F",
            ["risk-of-harm"],
            "For Assessing risk of serious harm (now 1.8, target 3): face-to-face because this "
            "skill keeps people safe and needs practice, not only reading; next cohort 14 "
            "January 2027.",
        ),
        (
            "ENG-CO",
            ["risk-of-harm", "engagement"],
            "For Assessing risk of serious harm (now 1.8, target 3) and Building a working "
            "relationship (now 2.4, target 3): coaching because Assessing risk of serious harm "
            "keeps people safe and needs practice, not only reading.",
        ),
    ]


def test_no_in_person_module_left_means_online_alone_and_unmet_gaps_are_listed():
    catalogue = [
        module("RSH-EL", "e_learning", ("risk-of-harm", 1, 2)),
        module("RSH-F2F", "face_to_face", ("risk-of-harm", 1, 3), completed=date(2026, 6, 1)),
        module("REF", "reflective_group", ("engagement", 3, 4)),
    ]
    result = recommend([RISK, ENGAGE], catalogue, {"face_to_face"}, TODAY)

    assert [(i.module_code, i.reason) for i in result.items] == [
        (
            "RSH-EL",
            "For Assessing risk of serious harm (now 1.8, target 3): online, as no module in a "
            "format you prefer covers this gap.",
        )
    ]
    assert result.unmet == ["engagement"]  # REF starts above the gap
    assert result.partly_met == ["risk-of-harm"]  # nothing available takes it from 2 to 3


def test_sentences_for_blended_shadowing_and_face_to_face_without_a_cohort():
    gaps = [
        gap("writing", 2.0, self_reported=True),
        gap("planning", 1.0, target=2),
        gap("recording", 3.5, target=4),
        gap("listening", 2.2),
    ]
    catalogue = [
        module("L-BL", "blended", ("listening", 2, 3), cohort=date(2027, 2, 3)),
        module("P-SH", "shadowing", ("planning", 1, 2)),
        module("R-F2F", "face_to_face", ("recording", 3, 4), ("writing", 2, 3)),
        module("R-EL", "e_learning", ("recording", 3, 4)),
    ]
    result = recommend(gaps, catalogue, {"online", "shadowing"}, TODAY)

    assert [(i.module_code, i.reason) for i in result.items] == [
        (
            "R-F2F",
            "For Writing (now 2.0, self-assessed, target 3) and Recording (now 3.5, target 4): "
            "face-to-face, as this keeps the number of modules you need to a minimum; no "
            "cohort scheduled yet.",
        ),
        ("P-SH", "For Planning (now 1.0, target 2): shadowing a colleague, as you prefer."),
        (
            "L-BL",
            "For Listening (now 2.2, target 3): blended (online and face-to-face), with the "
            "online part as you prefer; next cohort 3 February 2027.",
        ),
    ]


@pytest.mark.parametrize(
    ("catalogue", "preferences", "expected"),
    [
        # Preference first, then in-person for a risk-critical step, then length, then code.
        ([("B", "face_to_face", 7.5), ("A", "e_learning", 1.0)], {"face_to_face"}, "B"),
        ([("B", "blended", 1.0), ("A", "e_learning", 1.0)], {"face_to_face"}, "B"),
        ([("B", "coaching", 7.5), ("A", "e_learning", 1.0)], set(), "B"),
        ([("B", "e_learning", 1.0), ("A", "blended", 3.0)], set(), "B"),
        ([("B", "e_learning", 1.0), ("A", "blended", None)], set(), "B"),
        ([("B", "e_learning", 1.0), ("A", "blended", 1.0)], set(), "A"),
    ],
)
def test_ties_are_broken_by_preference_then_in_person_then_length_then_code(
    catalogue, preferences, expected
):
    gaps = [gap("risk", 2.0, critical=True)]
    modules = [module(code, mode, ("risk", 2, 3), hours=h) for code, mode, h in catalogue]
    assert [i.module_code for i in recommend(gaps, modules, preferences, TODAY).items] == [expected]


def test_risk_critical_steps_are_covered_first():
    gaps = [gap("risk", 2.0, critical=True), gap("write", 1.0, target=4)]
    catalogue = [
        module("W-ALL", "e_learning", ("write", 1, 4)),  # weight 3, but nothing risk-critical
        module("R-W", "e_learning", ("risk", 2, 3), ("write", 1, 2)),  # weight 2 + 1
        module("R", "e_learning", ("risk", 2, 3)),
    ]
    result = recommend(gaps, catalogue, set(), TODAY)
    assert [i.module_code for i in result.items] == ["R-W", "W-ALL"]


def test_observation_requests_for_no_level_and_for_a_met_target():
    gaps = [gap("writing", None), gap("planning", 3.2, evidence_gap=True, self_reported=True)]
    result = recommend(gaps, [module("W", "e_learning", ("writing", 1, 4))], set(), TODAY)

    assert result.items == []
    assert [o.reason for o in result.observe_first] == [
        "Writing (no level yet, target 3) has been observed fewer than twice in the last 12 "
        "months: ask your SPO for an observation before choosing training.",
        "Planning (now 3.2, self-assessed, target 3) has been observed fewer than twice in the "
        "last 12 months: ask your SPO for an observation to confirm your level.",
    ]


@pytest.mark.parametrize(
    ("level", "target", "steps"),
    [
        (1.8, 3, [1, 2]),
        (2.0, 3, [2]),
        (2.999, 3, [2]),
        (2.9999999, 3, []),
        (3.0, 3, []),
        (1, 4, [1, 2, 3]),
    ],
)
def test_gap_steps_run_from_the_floored_level_to_the_target(level, target, steps):
    assert [k for _, k in gap_steps(gap("s", level, target))] == steps


@pytest.mark.parametrize(
    ("completed_on", "recent"),
    [
        (None, False),
        (date(2025, 11, 23), False),  # exactly 12 months ago: may be taken again
        (date(2025, 11, 24), True),
        (TODAY, True),
        (date(2027, 1, 1), True),
    ],
)
def test_recent_completion_is_within_twelve_months(completed_on, recent):
    assert recently_completed(module("M", "e_learning", completed=completed_on), TODAY) is recent


@pytest.mark.parametrize(
    ("mode", "preferences", "share"),
    [
        ("e_learning", {"online"}, 1),
        ("blended", {"online"}, 0.5),
        ("blended", {"online", "face_to_face"}, 1),
        ("face_to_face", {"online"}, 0),
        ("reflective_group", {"online", "face_to_face", "coaching", "shadowing"}, 0),
    ],
)
def test_preference_mapping(mode, preferences, share):
    assert preference_match(DeliveryMode(mode), preferences) == share


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        recommend([RISK, RISK], [], set(), TODAY)
    with pytest.raises(ValueError):
        recommend([RISK], [module("A", "e_learning"), module("A", "coaching")], set(), TODAY)
    with pytest.raises(ValueError):
        recommend([RISK], [module("A", "podcast")], set(), TODAY)
    with pytest.raises(ValueError):
        recommend([RISK], [], {"podcasts"}, TODAY)


# Properties over random catalogues and gaps.

SLUGS = ["risk", "harm", "engage", "write"]
MODES = [m.value for m in DeliveryMode]


@st.composite
def gaps_strategy(draw):
    """Mostly trainable gaps, with some evidence gaps and missing levels mixed in."""
    slugs = draw(st.lists(st.sampled_from(SLUGS), unique=True, max_size=len(SLUGS)))
    result = []
    for slug in slugs:
        level = draw(st.floats(1, 4).map(lambda x: round(x, 2)))
        if draw(st.integers(0, 9)) == 0:
            level = None
        result.append(
            gap(
                slug,
                level,
                target=draw(st.sampled_from([2, 3, 3, 4, 4])),
                critical=draw(st.booleans()),
                evidence_gap=draw(st.integers(0, 4)) == 0 or level is None,
                self_reported=draw(st.booleans()),
            )
        )
    return result


@st.composite
def mapping(draw):
    low = draw(st.integers(1, 3))
    return (draw(st.sampled_from(SLUGS)), low, draw(st.integers(low + 1, 4)))


@st.composite
def catalogue_strategy(draw):
    codes = draw(st.lists(st.text("ABCXY", min_size=1, max_size=3), unique=True, max_size=9))
    dates = st.one_of(st.none(), st.integers(-800, 60).map(lambda d: TODAY + timedelta(days=d)))
    return [
        module(
            code,
            draw(st.sampled_from(MODES)),
            *draw(st.lists(mapping(), min_size=1, max_size=3)),
            cohort=draw(dates),
            completed=draw(dates),
            hours=draw(st.one_of(st.none(), st.sampled_from([1.0, 3.0, 7.5]))),
        )
        for code in codes
    ]


preferences_strategy = st.sets(st.sampled_from(["face_to_face", "online", "coaching", "shadowing"]))


def trainable_steps(gaps):
    return {s for g in gaps if not needs_observation(g) for s in gap_steps(g)}


def usable(modules):
    return [m for m in modules if not recently_completed(m, TODAY)]


def chosen_modules(result, modules):
    by_code = {m.code: m for m in modules}
    return [by_code[i.module_code] for i in result.items]


def blended_rule_breaks(gaps, chosen, modules):
    """Risk-critical skills trained by ``chosen`` without an in-person module that exists."""
    broken = []
    for g in gaps:
        if not g.risk_critical or needs_observation(g):
            continue
        steps = gap_steps(g)
        trained = any(m.covers(s) for m in chosen for s in steps)
        in_person = any(m.in_person and m.covers(s) for m in chosen for s in steps)
        exists = any(m.in_person and m.covers(s) for m in usable(modules) for s in steps)
        if trained and exists and not in_person:
            broken.append(g.slug)
    return broken


@settings(max_examples=400)
@given(gaps_strategy(), catalogue_strategy(), preferences_strategy)
def test_properties(gaps, modules, preferences):
    result = recommend(gaps, modules, preferences, TODAY)
    chosen = chosen_modules(result, modules)
    codes = [m.code for m in chosen]
    steps = trainable_steps(gaps)

    # No module is recommended twice, and none completed in the last 12 months.
    assert len(codes) == len(set(codes))
    assert not any(recently_completed(m, TODAY) for m in chosen)

    # Every step some usable module covers is covered.
    coverable = {s for s in steps if any(m.covers(s) for m in usable(modules))}
    assert all(any(m.covers(s) for m in chosen) for s in coverable)

    # The blended rule holds wherever an in-person module exists for the skill.
    assert blended_rule_breaks(gaps, chosen, modules) == []

    # Evidence gaps ask for an observation and never for training.
    observe = [o.slug for o in result.observe_first]
    assert sorted(observe) == sorted(g.slug for g in gaps if needs_observation(g))
    assert not {s for i in result.items for s in i.skills} & set(observe)

    # Each item lists exactly the gaps it covers, and covers something nobody else does or
    # is the in-person module the blended rule needs.
    for item, m in zip(result.items, chosen, strict=True):
        assert set(item.skills) == {slug for slug, k in steps if m.covers((slug, k))}
        others = [o for o in chosen if o is not m]
        covers_new = any(m.covers(s) and not any(o.covers(s) for o in others) for s in steps)
        assert covers_new or blended_rule_breaks(gaps, others, modules)
        assert item.reason.startswith("For ") and item.reason.endswith(".")
        assert ". " not in item.reason  # one sentence

    # Unmet gaps are those no usable module addresses at all.
    trainable = [g for g in gaps if not needs_observation(g) and gap_steps(g)]
    assert set(result.unmet) == {
        g.slug for g in trainable if not any(s in coverable for s in gap_steps(g))
    }


@settings(max_examples=200)
@given(gaps_strategy(), catalogue_strategy(), preferences_strategy, st.randoms())
def test_the_result_does_not_depend_on_input_order(gaps, modules, preferences, rnd: random.Random):
    first = recommend(gaps, modules, preferences, TODAY)
    rnd.shuffle(gaps)
    rnd.shuffle(modules)
    assert recommend(gaps, modules, list(preferences), TODAY) == first
