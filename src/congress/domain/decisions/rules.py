"""The arithmetic of decisions, as pure functions: majorities, quorum, elections.

The services call these with the figures they store; the property-based tests in
tests/unit/test_decision_rules.py hold them to the rules of issue 15 and docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from congress.domain.decisions.enums import MajorityRule


def votes_cast(votes_for: int, votes_against: int) -> int:
    """Votes cast: for and against. Abstentions and spoilt ballots are not cast."""
    return votes_for + votes_against


def adopted(rule: MajorityRule, votes_for: int, votes_against: int, votes_held: int) -> bool:
    """Whether a motion passes under ``rule``; a tie is never adopted.

    simple: more for than against; absolute: for is more than half of the votes held by all
    accredited delegates; two thirds: for is at least two thirds of the votes cast.
    """
    rule = MajorityRule(rule)
    if votes_for <= votes_against:
        return False
    if rule is MajorityRule.SIMPLE:
        return True
    if rule is MajorityRule.ABSOLUTE:
        return 2 * votes_for > votes_held
    cast = votes_cast(votes_for, votes_against)
    return cast > 0 and 3 * votes_for >= 2 * cast


def parse_fraction(value: str) -> Fraction:
    """ "1/2", "2/3" or "0.5" as a fraction in (0, 1]."""
    try:
        fraction = Fraction(value.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a fraction: {value!r} (write it as 1/2 or 0.5)") from exc
    if not 0 < fraction <= 1:
        raise ValueError("a quorum fraction lies between 0 (excluded) and 1")
    return fraction


def quorum_required(accredited: int, count: int | None, fraction: Fraction | None) -> int:
    """Delegates who must be present: a fixed number, or more than a fraction of the accredited
    (the default, half: a majority of the accredited delegates)."""
    if count is not None:
        return count
    share = fraction if fraction is not None else Fraction(1, 2)
    if share == 1:
        return accredited
    return int(accredited * share) + 1


def rule_of_event(quorum: str | None) -> str:
    """The stored rule ("count 31", "more than 2/3") of an event's quorum setting ("31", "2/3";
    none: more than half)."""
    value = (quorum or "").strip()
    if value.isdigit():
        return f"count {int(value)}"
    try:
        return f"more than {parse_fraction(value)}" if value else "more than 1/2"
    except ValueError:
        return "more than 1/2"


def quorum_of_rule(accredited: int, rule: str | None) -> int:
    """The quorum a stored rule ("count 30", "more than 2/3") asks of ``accredited`` delegates;
    without one, more than half of them."""
    words = (rule or "").split()
    if len(words) == 2 and words[0] == "count" and words[1].isdigit():
        return quorum_required(accredited, int(words[1]), None)
    try:
        fraction = parse_fraction(words[-1]) if words[:2] == ["more", "than"] else None
    except ValueError:
        fraction = None
    return quorum_required(accredited, None, fraction)


@dataclass(frozen=True)
class Round:
    """The outcome of one round of an election."""

    elected: list[int]
    # Seats still open after the round (a further round fills them).
    open_seats: int
    # Candidates over the threshold who tied for the last seat(s).
    tied: list[int]


def elect(seats: int, threshold_percent: int, ballots: int, tally: dict[int, int]) -> Round:
    """Who a round elects: the candidates with the most votes, each with more than
    ``threshold_percent`` per cent of the ``ballots`` cast, up to ``seats``; a tie at the last
    seat elects neither of the tied (a further round decides)."""
    qualified = sorted(
        (
            (votes, candidate)
            for candidate, votes in tally.items()
            if ballots > 0 and 100 * votes > threshold_percent * ballots
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    elected: list[int] = []
    tied: list[int] = []
    index = 0
    while index < len(qualified) and len(elected) < seats:
        votes = qualified[index][0]
        group = [candidate for count, candidate in qualified if count == votes]
        if len(elected) + len(group) <= seats:
            elected.extend(group)
        else:
            tied = group
            break
        index += len(group)
    return Round(elected=elected, open_seats=seats - len(elected), tied=tied)
