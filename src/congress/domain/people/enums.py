import enum


class OrganizationKind(enum.StrEnum):
    EMBASSY = "embassy"
    FOUNDATION = "foundation"
    PARTY = "party"
    SOCIETY = "society"
    CLUB = "club"
    MEDIA = "media"
    COMMITTEE = "committee"
    UNIVERSITY = "university"
    GOVERNMENT = "government"
    YOUTH = "youth"
    NGO = "ngo"
    COMPANY = "company"
    OTHER = "other"
