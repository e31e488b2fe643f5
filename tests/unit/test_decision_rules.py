"""The arithmetic of decisions (domain/decisions/rules.py), held to the rules of issue 15."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress.domain.decisions.enums import MajorityRule
from congress.domain.decisions.rules import (
    adopted,
    elect,
    parse_fraction,
    quorum_of_rule,
    quorum_required,
)

figure = st.integers(min_value=0, max_value=10_000)


@given(votes_for=figure, against=figure, extra=figure, rule=st.sampled_from(MajorityRule))
def test_majority_rules(votes_for: int, against: int, extra: int, rule: MajorityRule) -> None:
    held = votes_for + against + extra  # abstentions, absentees: held but not cast
    result = adopted(rule, votes_for, against, held)
    cast = votes_for + against
    if rule is MajorityRule.SIMPLE:
        assert result == (votes_for > against)
    elif rule is MajorityRule.ABSOLUTE:
        assert result == (votes_for > against and Fraction(votes_for) > Fraction(held, 2))
    else:
        assert result == (
            cast > 0 and votes_for > against and Fraction(votes_for, cast) >= Fraction(2, 3)
        )
    if votes_for == against:
        assert not result  # a tie is not adopted


@given(votes_for=figure, against=figure, extra=figure)
def test_rules_are_ordered(votes_for: int, against: int, extra: int) -> None:
    """What two thirds or an absolute majority adopts, a simple majority adopts too."""
    held = votes_for + against + extra
    simple = adopted(MajorityRule.SIMPLE, votes_for, against, held)
    assert adopted(MajorityRule.TWO_THIRDS, votes_for, against, held) <= simple
    assert adopted(MajorityRule.ABSOLUTE, votes_for, against, held) <= simple


def test_majority_edges() -> None:
    assert adopted(MajorityRule.TWO_THIRDS, 2, 1, 3)  # exactly two thirds
    assert not adopted(MajorityRule.TWO_THIRDS, 199, 101, 300)
    assert not adopted(MajorityRule.ABSOLUTE, 50, 0, 100)  # half is not more than half
    assert adopted(MajorityRule.ABSOLUTE, 51, 49, 100)
    assert not adopted(MajorityRule.SIMPLE, 0, 0, 10)


@given(accredited=st.integers(min_value=0, max_value=100_000))
def test_default_quorum_is_more_than_half(accredited: int) -> None:
    quorum = quorum_required(accredited, None, None)
    assert 2 * quorum > accredited and 2 * (quorum - 1) <= accredited


@given(
    accredited=st.integers(min_value=0, max_value=100_000),
    numerator=st.integers(min_value=1, max_value=9),
    denominator=st.integers(min_value=1, max_value=9),
)
def test_fraction_quorum(accredited: int, numerator: int, denominator: int) -> None:
    share = Fraction(min(numerator, denominator), denominator)
    quorum = quorum_required(accredited, None, share)
    assert quorum <= accredited + 1
    assert quorum >= share * accredited


@pytest.mark.parametrize("bad", ["0", "3/2", "x", "1/0", "-1/2"])
def test_bad_fractions(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_fraction(bad)


@given(
    seats=st.integers(min_value=1, max_value=12),
    threshold=st.integers(min_value=0, max_value=99),
    ballots=st.integers(min_value=0, max_value=500),
    votes=st.lists(st.integers(min_value=0, max_value=500), max_size=20),
)
def test_elections(seats: int, threshold: int, ballots: int, votes: list[int]) -> None:
    tally = {index + 1: min(count, ballots) for index, count in enumerate(votes)}
    outcome = elect(seats, threshold, ballots, tally)
    assert len(outcome.elected) + outcome.open_seats == seats
    assert len(outcome.elected) <= seats
    for candidate in outcome.elected:
        # Over the threshold, and nobody left out had more votes.
        assert 100 * tally[candidate] > threshold * ballots
        assert all(
            tally[other] <= tally[candidate] for other in tally if other not in outcome.elected
        )
    # A tie at the last seat elects none of the tied.
    assert not set(outcome.tied) & set(outcome.elected)
    if outcome.tied:
        assert len({tally[candidate] for candidate in outcome.tied}) == 1
        assert len(outcome.elected) + len(outcome.tied) > seats


def test_election_tie_at_last_seat() -> None:
    outcome = elect(2, 50, 100, {1: 80, 2: 60, 3: 60, 4: 10})
    assert outcome.elected == [1] and outcome.tied == [2, 3] and outcome.open_seats == 1
    outcome = elect(3, 50, 100, {1: 80, 2: 60, 3: 60, 4: 10})
    assert outcome.elected == [1, 2, 3] and outcome.open_seats == 0
    assert elect(2, 50, 100, {1: 50, 2: 51}).elected == [2]  # exactly half is not enough


@given(
    accredited=st.integers(min_value=0, max_value=5_000),
    count=st.integers(min_value=0, max_value=5_000),
    numerator=st.integers(min_value=1, max_value=12),
    denominator=st.integers(min_value=1, max_value=12),
)
def test_live_quorum_follows_the_stored_rule(
    accredited: int, count: int, numerator: int, denominator: int
) -> None:
    """The staff screen reads the quorum from the rule a roll call stored (its words)."""
    share = Fraction(min(numerator, denominator), denominator)
    assert quorum_of_rule(accredited, f"count {count}") == count
    assert quorum_of_rule(accredited, f"more than {share}") == quorum_required(
        accredited, None, share
    )
    default = quorum_required(accredited, None, None)
    for unknown in (None, "", "more than 1/2", "more than nothing", "count -3"):
        assert quorum_of_rule(accredited, unknown) == default
