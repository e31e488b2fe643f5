import enum


class AttendanceState(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


STATE_LABELS = {
    AttendanceState.PRESENT: "Present",
    AttendanceState.EXCUSED: "Excused",
    AttendanceState.ABSENT: "Absent",
}
