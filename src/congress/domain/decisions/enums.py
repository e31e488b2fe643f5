"""The closed lists of the decisions area: kinds of motions, how votes are taken and decided."""

import enum

from congress.messages import N_


class MotionKind(enum.StrEnum):
    RESOLUTION = "resolution"
    DECLARATION = "declaration"
    AMENDMENT = "amendment"
    PROCEDURAL = "procedural"


class MotionStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"


class VoteMethod(enum.StrEnum):
    SHOW_OF_HANDS = "show_of_hands"
    ROLL_CALL = "roll_call"
    SECRET_BALLOT = "secret_ballot"


class MajorityRule(enum.StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"


class VoteResult(enum.StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    # Elections: every seat filled, or another round needed.
    ELECTED = "elected"
    FURTHER_ROUND = "further_round"


class ElectionStatus(enum.StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class HeadcountCategory(enum.StrEnum):
    PRESS = "press"
    OBSERVERS = "observers"
    MEMBERS = "members"
    CANDIDATE_MEMBERS = "candidate_members"
    GUESTS = "guests"
    OTHER = "other"


MOTION_KIND_LABELS = {
    MotionKind.RESOLUTION: N_("Resolution"),
    MotionKind.DECLARATION: N_("Declaration"),
    MotionKind.AMENDMENT: N_("Amendment"),
    MotionKind.PROCEDURAL: N_("Procedural motion"),
}
MOTION_STATUS_LABELS = {
    MotionStatus.SUBMITTED: N_("Submitted"),
    MotionStatus.ADOPTED: N_("Adopted"),
    MotionStatus.REJECTED: N_("Rejected"),
    MotionStatus.WITHDRAWN: N_("Withdrawn"),
    MotionStatus.REFERRED: N_("Referred"),
}
METHOD_LABELS = {
    VoteMethod.SHOW_OF_HANDS: N_("Show of hands"),
    VoteMethod.ROLL_CALL: N_("Roll call by delegation"),
    VoteMethod.SECRET_BALLOT: N_("Secret ballot"),
}
MAJORITY_LABELS = {
    MajorityRule.SIMPLE: N_("Simple majority"),
    MajorityRule.ABSOLUTE: N_("Absolute majority"),
    MajorityRule.TWO_THIRDS: N_("Two-thirds majority"),
}
RESULT_LABELS = {
    VoteResult.ADOPTED: N_("Adopted"),
    VoteResult.REJECTED: N_("Rejected"),
    VoteResult.ELECTED: N_("Elected"),
    VoteResult.FURTHER_ROUND: N_("Further round needed"),
}
HEADCOUNT_LABELS = {
    HeadcountCategory.PRESS: N_("Press"),
    HeadcountCategory.OBSERVERS: N_("Observers"),
    HeadcountCategory.MEMBERS: N_("Members"),
    HeadcountCategory.CANDIDATE_MEMBERS: N_("Candidate members"),
    HeadcountCategory.GUESTS: N_("Guests"),
    HeadcountCategory.OTHER: N_("Others"),
}
