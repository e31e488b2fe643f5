import enum

from congress.roles import Role

__all__ = ["AuditAction", "Role"]


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
