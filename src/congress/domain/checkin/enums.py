import enum

from congress.messages import N_


class AttendanceState(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


# The words for these values (gettext messages, translated where a page shows them).
STATE_LABELS = {
    AttendanceState.PRESENT: N_("Present"),
    AttendanceState.EXCUSED: N_("Excused"),
    AttendanceState.ABSENT: N_("Absent"),
}
