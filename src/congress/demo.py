"""The demo event: a fictional international congress with the shape of DESIGN.md §2.

Everything in it is invented (people, organizations, texts). Names are generated from a seeded
random generator, so every load produces the same people; dates are relative to the day of loading
(day one was yesterday) so that the demo always shows a congress in progress: the opening ceremony
happened and is published, check-in and registration are still open.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from congress.db.base import Base
from congress.demo_texts import (
    JOINT_ADDRESS,
    POLITICAL_ADDRESS,
    RECORD_BODY,
    RECORD_HEADLINE,
    RECORD_LEAD,
    WELCOME,
)
from congress.domain.checkin.enums import AttendanceState
from congress.domain.checkin.models import Attendance
from congress.domain.decisions import rules
from congress.domain.decisions.enums import (
    ElectionStatus,
    HeadcountCategory,
    MajorityRule,
    MotionKind,
    MotionStatus,
    VoteMethod,
    VoteResult,
)
from congress.domain.decisions.models import (
    Candidate,
    Election,
    Headcount,
    Motion,
    RollCall,
    Vote,
)
from congress.domain.events.enums import EventStatus
from congress.domain.events.models import Event, Room, Venue, event_organizer
from congress.domain.people.enums import OrganizationKind
from congress.domain.people.models import Organization, Person, Position
from congress.domain.programme.enums import (
    AgendaItemKind,
    AwardKind,
    SeatRole,
    SessionKind,
    SpeechKind,
    TranscriptStatus,
)
from congress.domain.programme.models import (
    AgendaItem,
    Award,
    Gift,
    PresidiumSeat,
    Session,
    Speech,
    SpeechSpeaker,
)
from congress.domain.publishing.enums import CommentStatus, RecordStatus
from congress.domain.publishing.models import (
    Category,
    Comment,
    MediaItem,
    Record,
    Tag,
    media_person,
    record_tag,
)
from congress.domain.registration.enums import ParticipantCategory, ParticipantStatus
from congress.domain.registration.models import Delegation, Participant

DEMO_SLUG = "friendship-congress-2"
TIMEZONE = "Europe/Vienna"
PARTICIPANTS = 200
SEED = 20260730
EMAIL_DOMAIN = "friendship-congress.example"

ORIGINAL = TranscriptStatus.ORIGINAL.value
TRANSLATION = TranscriptStatus.TRANSLATION.value


def T(
    en: str, ru: str | None = None, zh: str | None = None, de: str | None = None
) -> dict[str, str]:
    """A translatable text in the demo's languages (missing ones fall back)."""
    texts = {"en": en, "ru": ru, "zh": zh, "de": de}
    return {language: text for language, text in texts.items() if text}


@dataclass(frozen=True)
class Country:
    code: str
    name: dict[str, str]
    ru_genitive: str  # "Delegation of …"
    ru_locative: str  # "Executive committee in …"


COUNTRIES = {
    country.code: country
    for country in (
        Country("RU", T("Russia", "Россия", "俄罗斯", "Russland"), "России", "России"),
        Country("CN", T("China", "Китай", "中国", "China"), "Китая", "Китае"),
        Country("DE", T("Germany", "Германия", "德国", "Deutschland"), "Германии", "Германии"),
        Country("AT", T("Austria", "Австрия", "奥地利", "Österreich"), "Австрии", "Австрии"),
        Country(
            "KZ",
            T("Kazakhstan", "Казахстан", "哈萨克斯坦", "Kasachstan"),
            "Казахстана",
            "Казахстане",
        ),
        Country("RS", T("Serbia", "Сербия", "塞尔维亚", "Serbien"), "Сербии", "Сербии"),
    )
}

# ---- name pools: (Latin, native) pairs; Russian and Kazakh family names take -a for women ----

RU_MALE = [("Aleksey", "Алексей"), ("Dmitry", "Дмитрий"), ("Sergey", "Сергей"), ("Andrey", "Андрей"), ("Mikhail", "Михаил"), ("Nikolay", "Николай"), ("Pavel", "Павел"), ("Igor", "Игорь"), ("Oleg", "Олег"), ("Yury", "Юрий"), ("Artyom", "Артём"), ("Roman", "Роман")]  # fmt: skip
RU_FEMALE = [("Anna", "Анна"), ("Elena", "Елена"), ("Olga", "Ольга"), ("Natalya", "Наталья"), ("Tatyana", "Татьяна"), ("Maria", "Мария"), ("Irina", "Ирина"), ("Svetlana", "Светлана"), ("Yulia", "Юлия"), ("Darya", "Дарья")]  # fmt: skip
RU_FAMILY = [("Ivanov", "Иванов"), ("Smirnov", "Смирнов"), ("Kuznetsov", "Кузнецов"), ("Popov", "Попов"), ("Vasilyev", "Васильев"), ("Petrov", "Петров"), ("Mikhaylov", "Михайлов"), ("Novikov", "Новиков"), ("Fyodorov", "Фёдоров"), ("Morozov", "Морозов"), ("Alekseyev", "Алексеев"), ("Lebedev", "Лебедев"), ("Semyonov", "Семёнов"), ("Yegorov", "Егоров"), ("Pavlov", "Павлов"), ("Kozlov", "Козлов"), ("Stepanov", "Степанов"), ("Nikolayev", "Николаев"), ("Orlov", "Орлов"), ("Zakharov", "Захаров")]  # fmt: skip
KZ_MALE = [("Nurlan", "Нурлан"), ("Yerzhan", "Ержан"), ("Dauren", "Даурен"), ("Bauyrzhan", "Бауыржан"), ("Arman", "Арман"), ("Timur", "Тимур")]  # fmt: skip
KZ_FEMALE = [("Aigerim", "Айгерим"), ("Assel", "Асель"), ("Madina", "Мадина"), ("Zhanar", "Жанар"), ("Dinara", "Динара")]  # fmt: skip
KZ_FAMILY = [("Akhmetov", "Ахметов"), ("Suleimenov", "Сулейменов"), ("Omarov", "Омаров"), ("Iskakov", "Искаков"), ("Zhumabayev", "Жумабаев"), ("Kassymov", "Касымов"), ("Nurpeisov", "Нурпеисов"), ("Abenov", "Абенов")]  # fmt: skip
CN_FAMILY = [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"), ("Huang", "黄"), ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"), ("Xu", "徐"), ("Sun", "孙"), ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"), ("Guo", "郭"), ("He", "何"), ("Gao", "高"), ("Lin", "林"), ("Luo", "罗")]  # fmt: skip
CN_GIVEN = [("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Qiang", "强"), ("Lei", "磊"), ("Jun", "军"), ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"), ("Xiuying", "秀英"), ("Hua", "华"), ("Jianguo", "建国"), ("Xiaoming", "晓明"), ("Haiyan", "海燕"), ("Zhiqiang", "志强"), ("Xue", "雪"), ("Hui", "慧"), ("Yu", "宇"), ("Xinyi", "欣怡"), ("Zihan", "子涵"), ("Haoran", "浩然")]  # fmt: skip
DE_GIVEN = ["Anna", "Lukas", "Maximilian", "Sophie", "Katharina", "Jonas", "Felix", "Laura", "Julia", "Tobias", "Stefan", "Andrea", "Thomas", "Sabine", "Michael", "Claudia", "Markus", "Petra", "Florian", "Lena"]  # fmt: skip
DE_FAMILY = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner"]  # fmt: skip
AT_FAMILY = ["Gruber", "Huber", "Bauer", "Pichler", "Moser", "Hofer", "Steiner", "Mayer", "Wimmer", "Eder", "Fuchs", "Lehner", "Haas", "Schwarz", "Reiter", "Brunner"]  # fmt: skip
RS_GIVEN = ["Marko", "Jelena", "Nikola", "Ana", "Stefan", "Milica", "Luka", "Ivana", "Miloš", "Dragana"]  # fmt: skip
RS_FAMILY = ["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić", "Stanković", "Pavlović", "Popović"]  # fmt: skip


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("Đ", "Dj"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


class _People:
    """Deterministic, distinct invented people per country."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[tuple[str, str]] = set()

    def make(self, country: str) -> Person:
        while True:
            person = self._candidate(country)
            key = (str(person.given_name), str(person.family_name))
            if key not in self.seen:
                self.seen.add(key)
                return person

    def _candidate(self, country: str) -> Person:
        rng = self.rng
        female = rng.random() < 0.45
        if country in ("RU", "KZ"):
            given_pool = (
                (RU_FEMALE if female else RU_MALE)
                if country == "RU"
                else (KZ_FEMALE if female else KZ_MALE)
            )
            latin, native = rng.choice(given_pool)
            family_latin, family_native = rng.choice(RU_FAMILY if country == "RU" else KZ_FAMILY)
            if female:
                family_latin, family_native = family_latin + "a", family_native + "а"
            return Person(
                given_name={"en": latin, "ru": native},
                family_name={"en": family_latin, "ru": family_native},
                country=country,
            )
        if country == "CN":
            family_latin, family_native = rng.choice(CN_FAMILY)
            latin, native = rng.choice(CN_GIVEN)
            return Person(
                given_name={"en": latin, "zh": native},
                family_name={"en": family_latin, "zh": family_native},
                family_name_first=True,
                country=country,
            )
        if country == "RS":
            return Person(
                given_name={"en": rng.choice(RS_GIVEN)},
                family_name={"en": rng.choice(RS_FAMILY)},
                country=country,
            )
        families = AT_FAMILY if country == "AT" else DE_FAMILY
        return Person(
            given_name={"en": rng.choice(DE_GIVEN)},
            family_name={"en": rng.choice(families)},
            country=country,
        )


def _email(person: Person) -> str:
    return f"{_ascii(person.given_name['en'])}.{_ascii(person.family_name['en'])}@{EMAIL_DOMAIN}"


# ---- loading -----------------------------------------------------------------------------------


async def load_demo(
    db: AsyncSession, only_if_missing: bool = False, *, start: dt.date | None = None
) -> str | None:
    """Insert the demo event in the current transaction (the caller commits).

    Returns the slug it loaded, or None when ``only_if_missing`` and the event is already there.
    Without ``only_if_missing`` an earlier copy is deleted first, with the people and bodies that
    nothing else refers to. ``start`` is the first day (default: yesterday in Vienna).
    """
    existing = await db.scalar(select(Event.id).where(Event.slug == DEMO_SLUG))
    if existing is not None:
        if only_if_missing:
            return None
        await delete_demo(db, existing)
    if start is None:
        start = dt.datetime.now(zoneinfo.ZoneInfo(TIMEZONE)).date() - dt.timedelta(days=1)
    await _Builder(db, start).build()
    return DEMO_SLUG


class _Builder:
    def __init__(self, db: AsyncSession, start: dt.date) -> None:
        self.db = db
        self.start = start
        self.zone = zoneinfo.ZoneInfo(TIMEZONE)
        self.rng = random.Random(SEED)
        self.people = _People(self.rng)

    def at(self, day: int, hour: int, minute: int = 0) -> dt.datetime:
        """A moment of congress day ``day`` (1-based), Vienna time."""
        date = self.start + dt.timedelta(days=day - 1)
        return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=self.zone)

    async def add(self, *rows: Base | Iterable[Base]) -> None:
        for row in rows:
            if isinstance(row, Base):
                self.db.add(row)
            else:
                self.db.add_all(row)
        await self.db.flush()

    async def build(self) -> None:
        await self._organizations()
        await self._key_people()
        await self._event()
        await self._sessions()
        await self._opening_ceremony()
        await self._participants()
        await self._attendance()
        await self._decisions()
        await self._record()

    # ---- bodies -------------------------------------------------------------------------------

    async def _organizations(self) -> None:
        def org(
            kind: OrganizationKind,
            name: dict[str, str],
            short: str | None = None,
            country: str | None = None,
        ) -> Organization:
            return Organization(kind=kind, name=name, short_name=short, country=country)

        K = OrganizationKind
        self.alliance = org(
            K.NGO,
            T(
                "Global Friendship Alliance",
                "Глобальный альянс дружбы",
                "全球友好联盟",
                "Globale Freundschaftsallianz",
            ),
            "GFA",
        )
        self.embassy = org(
            K.EMBASSY,
            T(
                "Embassy of the People's Republic of China in Austria",
                "Посольство Китайской Народной Республики в Австрии",
                "中华人民共和国驻奥地利大使馆",
                "Botschaft der Volksrepublik China in Österreich",
            ),
            country="CN",
        )
        self.foundation = org(
            K.FOUNDATION,
            T(
                "Meridian Peace Foundation",
                "Фонд мира «Меридиан»",
                "子午线和平基金会",
                "Meridian-Friedensstiftung",
            ),
            "MPF",
            "AT",
        )
        self.society = org(
            K.SOCIETY,
            T(
                "Danube Friendship Society",
                "Общество дружбы «Дунай»",
                "多瑙友好协会",
                "Donau-Freundschaftsgesellschaft",
            ),
            "DFG",
            "AT",
        )
        self.study_society = org(
            K.SOCIETY,
            T(
                "Ural Regional Studies Society",
                "Уральское общество регионоведения",
                "乌拉尔地区研究会",
                "Uralische Gesellschaft für Regionalstudien",
            ),
            country="RU",
        )
        self.club = org(
            K.CLUB,
            T(
                "International Friendship Club of the Vienna University of Humanities",
                "Международный клуб дружбы Венского гуманитарного университета",
                "维也纳人文大学国际友好俱乐部",
                "Internationaler Freundschaftsclub der Wiener Universität für Geisteswissenschaften",
            ),
            country="AT",
        )
        self.parties = [
            org(
                K.PARTY,
                T(
                    "Party of Labour and Solidarity",
                    "Партия труда и солидарности",
                    "劳动与团结党",
                    "Partei der Arbeit und Solidarität",
                ),
                "PAS",
                "DE",
            ),
            org(
                K.PARTY,
                T(
                    "Green Future Party",
                    "Партия «Зелёное будущее»",
                    "绿色未来党",
                    "Partei Grüne Zukunft",
                ),
                "GZ",
                "AT",
            ),
            org(
                K.PARTY,
                T(
                    "People's Unity Party",
                    "Партия народного единства",
                    "人民团结党",
                    "Partei der Volkseinheit",
                ),
                "PNJ",
                "RS",
            ),
        ]
        self.youth = [
            org(
                K.YOUTH,
                T(
                    "Youth for Peace Network",
                    "Сеть «Молодёжь за мир»",
                    "青年争取和平网络",
                    "Netzwerk „Jugend für den Frieden“",
                ),
                "YPN",
            ),
            org(
                K.YOUTH,
                T(
                    "Young Friends of Eurasia",
                    "Молодые друзья Евразии",
                    "欧亚青年之友",
                    "Junge Freunde Eurasiens",
                ),
                country="KZ",
            ),
        ]
        self.media = {
            "RU": org(
                K.MEDIA,
                T(
                    "Eurasia Daily Review",
                    "Евразийское обозрение",
                    "欧亚每日评论",
                    "Eurasische Tagesschau",
                ),
                country="RU",
            ),
            "CN": org(
                K.MEDIA,
                T(
                    "Silk Road Broadcasting",
                    "Радиовещание «Шёлковый путь»",
                    "丝路广播",
                    "Seidenstraßen-Rundfunk",
                ),
                country="CN",
            ),
            "DE": org(
                K.MEDIA,
                T("Rhine Courier", "Рейнский курьер", "莱茵信使报", "Rheinischer Kurier"),
                country="DE",
            ),
        }
        await self.add(
            self.alliance,
            self.embassy,
            self.foundation,
            self.society,
            self.study_society,
            self.club,
            self.parties,
            self.youth,
            self.media.values(),
        )

        self.committees = {
            code: Organization(
                kind=K.COMMITTEE,
                parent_id=self.alliance.id,
                country=code,
                name=T(
                    f"Executive Committee of the Global Friendship Alliance in {country.name['en']}",
                    f"Исполнительный комитет Глобального альянса дружбы в {country.ru_locative}",
                    f"全球友好联盟{country.name['zh']}执行委员会",
                    f"Exekutivkomitee der Globalen Freundschaftsallianz in {country.name['de']}",
                ),
            )
            for code, country in COUNTRIES.items()
        }
        self.organizing_committee = Organization(
            kind=K.COMMITTEE,
            parent_id=self.alliance.id,
            name=T(
                "Organizing Committee of the Second International Friendship Congress",
                "Организационный комитет Второго международного конгресса дружбы",
                "第二届国际友好大会组织委员会",
                "Organisationskomitee des Zweiten Internationalen Freundschaftskongresses",
            ),
        )
        self.coordination_committee = Organization(
            kind=K.COMMITTEE,
            parent_id=self.alliance.id,
            name=T(
                "Coordination Committee of the Global Friendship Alliance",
                "Координационный комитет Глобального альянса дружбы",
                "全球友好联盟协调委员会",
                "Koordinationskomitee der Globalen Freundschaftsallianz",
            ),
        )
        await self.add(
            self.committees.values(), self.organizing_committee, self.coordination_committee
        )

    # ---- the people of the opening ceremony ---------------------------------------------------

    async def _key_people(self) -> None:
        def person(
            given: dict[str, str], family: dict[str, str], country: str, **extra: Any
        ) -> Person:
            return Person(given_name=given, family_name=family, country=country, **extra)

        chinese = {"family_name_first": True}
        self.ambassador = person(
            T("Mingyuan", "Минъюань", "明远", "Mingyuan"),
            T("Zhao", "Чжао", "赵", "Zhao"),
            "CN",
            honorific=T("H.E.", "Его Превосходительство", "阁下", "S.E."),
            **chinese,
        )
        self.adviser = person(
            T("Jing", "Цзин", "静", "Jing"), T("Chen", "Чэнь", "陈", "Chen"), "CN", **chinese
        )
        self.minister_counsellor = person(
            T("Haitao", "Хайтао", "海涛", "Haitao"), T("Liu", "Лю", "刘", "Liu"), "CN", **chinese
        )
        self.first_secretary = person(
            T("Yue", "Юэ", "悦", "Yue"), T("Sun", "Сунь", "孙", "Sun"), "CN", **chinese
        )
        self.chairman = person(
            T("Viktor", "Виктор", "维克托", "Viktor"),
            T("Sokolov", "Соколов", "索科洛夫", "Sokolow"),
            "RU",
        )
        self.society_chairman = person(
            T("Friedrich", "Фридрих", "弗里德里希", "Friedrich"),
            T("Leitner", "Лайтнер", "莱特纳", "Leitner"),
            "AT",
            honorific=T("Mag.", None, None, "Mag."),
        )
        self.president = person(
            T("Margarethe", "Маргарете", "玛格丽特", "Margarethe"),
            T("Aigner", "Айгнер", "艾格纳", "Aigner"),
            "AT",
            honorific=T("Dr", "д-р", "博士", "Dr."),
        )
        self.activist = person(
            T("Ekaterina", "Екатерина", "叶卡捷琳娜", "Jekaterina"),
            T("Volkova", "Волкова", "沃尔科娃", "Wolkowa"),
            "RU",
        )
        self.blogger = person(
            T("Lukas", "Лукас", "卢卡斯", "Lukas"), T("Brandt", "Брандт", "勃兰特", "Brandt"), "DE"
        )
        key_people = [
            self.ambassador,
            self.adviser,
            self.minister_counsellor,
            self.first_secretary,
            self.chairman,
            self.society_chairman,
            self.president,
            self.activist,
            self.blogger,
        ]
        for someone in key_people:
            self.people.seen.add((str(someone.given_name), str(someone.family_name)))
        await self.add(key_people)

        def position(who: Person, where: Organization | None, title: dict[str, str]) -> Position:
            return Position(
                person_id=who.id, organization_id=where.id if where else None, title=title
            )

        self.pos_ambassador = position(
            self.ambassador,
            self.embassy,
            T(
                "Ambassador Extraordinary and Plenipotentiary of the People's Republic of China to the Republic of Austria",
                "Чрезвычайный и Полномочный Посол Китайской Народной Республики в Австрийской Республике",
                "中华人民共和国驻奥地利共和国特命全权大使",
                "Außerordentlicher und Bevollmächtigter Botschafter der Volksrepublik China in der Republik Österreich",
            ),
        )
        self.pos_adviser = position(
            self.adviser,
            self.embassy,
            T(
                "Adviser to the Ambassador of the People's Republic of China in Austria",
                "Советник Посла Китайской Народной Республики в Австрии",
                "中华人民共和国驻奥地利大使顾问",
                "Beraterin des Botschafters der Volksrepublik China in Österreich",
            ),
        )
        self.pos_minister_counsellor = position(
            self.minister_counsellor,
            self.embassy,
            T(
                "Minister-Counsellor of the Embassy of the People's Republic of China in Austria",
                "Советник-посланник Посольства КНР в Австрии",
                "中华人民共和国驻奥地利大使馆公使衔参赞",
                "Gesandter-Botschaftsrat der Botschaft der Volksrepublik China in Österreich",
            ),
        )
        self.pos_first_secretary = position(
            self.first_secretary,
            self.embassy,
            T(
                "First Secretary of the Embassy of the People's Republic of China in Austria",
                "Первый секретарь Посольства КНР в Австрии",
                "中华人民共和国驻奥地利大使馆一等秘书",
                "Erster Sekretär der Botschaft der Volksrepublik China in Österreich",
            ),
        )
        self.pos_chairman = position(
            self.chairman,
            self.alliance,
            T(
                "Chairman of the Global Friendship Alliance",
                "Председатель Глобального альянса дружбы",
                "全球友好联盟主席",
                "Vorsitzender der Globalen Freundschaftsallianz",
            ),
        )
        self.pos_organizing_chairman = position(
            self.chairman,
            self.organizing_committee,
            T(
                "Chairman of the Organizing Committee",
                "Председатель Организационного комитета",
                "组委会主席",
                "Vorsitzender des Organisationskomitees",
            ),
        )
        self.pos_society_chairman = position(
            self.society_chairman,
            self.society,
            T(
                "Chairman of the Danube Friendship Society",
                "Председатель Общества дружбы «Дунай»",
                "多瑙友好协会主席",
                "Vorsitzender der Donau-Freundschaftsgesellschaft",
            ),
        )
        self.pos_president = position(
            self.president,
            self.foundation,
            T(
                "President of the Meridian Peace Foundation",
                "Президент Фонда мира «Меридиан»",
                "子午线和平基金会主席",
                "Präsidentin der Meridian-Friedensstiftung",
            ),
        )
        self.pos_activist = position(
            self.activist,
            self.youth[0],
            T(
                "Activist of the Youth for Peace Network",
                "Активистка Сети «Молодёжь за мир»",
                "青年争取和平网络活动人士",
                "Aktivistin des Netzwerks „Jugend für den Frieden“",
            ),
        )
        self.pos_blogger = position(
            self.blogger,
            None,
            T(
                "Video blogger, author of the channel “Across Borders”",
                "Видеоблогер, автор канала «Без границ»",
                "视频博主，《跨越边界》频道作者",
                "Videoblogger, Autor des Kanals „Über Grenzen“",
            ),
        )
        await self.add(
            self.pos_ambassador,
            self.pos_adviser,
            self.pos_minister_counsellor,
            self.pos_first_secretary,
            self.pos_chairman,
            self.pos_organizing_chairman,
            self.pos_society_chairman,
            self.pos_president,
            self.pos_activist,
            self.pos_blogger,
        )

    # ---- the event and its programme ----------------------------------------------------------

    async def _event(self) -> None:
        self.venue = Venue(
            name=T("Meridian House", "Дом «Меридиан»", "子午线之家", "Meridian-Haus"),
            address=T(
                "Friedensgasse 12, 1010 Vienna",
                "Фриденсгассе, 12, 1010 Вена",
                "维也纳弗里登斯巷12号，邮编1010",
                "Friedensgasse 12, 1010 Wien",
            ),
            city="Vienna",
            country="AT",
            capacity=700,
        )
        await self.add(self.venue)
        self.great_hall, self.blue_hall, self.library, self.foyer = rooms = [
            Room(venue_id=self.venue.id, name=name, capacity=capacity)
            for name, capacity in (
                (T("Great Hall", "Большой зал", "大厅", "Großer Saal"), 450),
                (T("Blue Hall", "Синий зал", "蓝厅", "Blauer Saal"), 120),
                (T("Library Room", "Библиотечный зал", "图书馆厅", "Bibliothekssaal"), 60),
                (T("Foyer", "Фойе", "前厅", "Foyer"), 300),
            )
        ]
        end = self.start + dt.timedelta(days=2)
        self.event = Event(
            slug=DEMO_SLUG,
            acronym="ifc2",
            name=T(
                "Second International Friendship Congress",
                "Второй международный конгресс дружбы",
                "第二届国际友好大会",
                "Zweiter Internationaler Freundschaftskongress",
            ),
            edition=2,
            series="International Friendship Congress",
            occasion=T(
                "Timed to coincide with the 30th anniversary of the Global Friendship Alliance",
                "Приурочен к 30-летию Глобального альянса дружбы",
                "适逢全球友好联盟成立三十周年",
                "Aus Anlass des 30-jährigen Bestehens der Globalen Freundschaftsallianz",
            ),
            description=T(
                "Three days of plenary sittings, sections and a round table on people's diplomacy, youth exchanges and shared cultural heritage, with delegations from six countries.",
                "Три дня пленарных заседаний, секций и круглого стола о народной дипломатии, молодёжных обменах и общем культурном наследии с участием делегаций шести стран.",
                "为期三天的全体会议、分组会议和圆桌会议，主题为民间外交、青年交流和共同文化遗产，六个国家的代表团出席。",
                "Drei Tage Plenarsitzungen, Sektionen und ein Runder Tisch über Volksdiplomatie, Jugendaustausch und gemeinsames kulturelles Erbe, mit Delegationen aus sechs Ländern.",
            ),
            start_date=self.start,
            end_date=end,
            timezone=TIMEZONE,
            venue_id=self.venue.id,
            languages=["en", "ru", "zh", "de"],
            status=EventStatus.PUBLISHED,
            registration_opens_at=self.at(1, 9) - dt.timedelta(days=60),
            registration_closes_at=self.at(3, 12),
            registration_categories=[
                ParticipantCategory.GUEST.value,
                ParticipantCategory.OBSERVER.value,
            ],
        )
        await self.add(rooms, self.event)
        await self.db.execute(
            event_organizer.insert(),
            [
                {"event_id": self.event.id, "organization_id": organizer.id}
                for organizer in (self.alliance, self.foundation)
            ],
        )

    async def _sessions(self) -> None:
        S = SessionKind

        def session(
            kind: SessionKind,
            title: dict[str, str],
            room: Room,
            day: int,
            start: tuple[int, int],
            end: tuple[int, int],
            held: bool = False,
        ) -> Session:
            planned_start, planned_end = self.at(day, *start), self.at(day, *end)
            return Session(
                event_id=self.event.id,
                kind=kind,
                title=title,
                room_id=room.id,
                planned_start=planned_start,
                planned_end=planned_end,
                # Sittings that already took place have actual times (they ran a little late).
                actual_start=planned_start + dt.timedelta(minutes=7) if held else None,
                actual_end=planned_end + dt.timedelta(minutes=12) if held else None,
            )

        self.opening = session(
            S.CEREMONY,
            T("Opening ceremony", "Торжественная церемония открытия", "开幕式", "Eröffnungsfeier"),
            self.great_hall,
            1,
            (10, 0),
            (11, 30),
            held=True,
        )
        self.first_plenary = session(
            S.PLENARY,
            T(
                "First day of the congress: plenary sitting",
                "Первый день конгресса: пленарное заседание",
                "大会第一天：全体会议",
                "Erster Kongresstag: Plenarsitzung",
            ),
            self.great_hall,
            1,
            (12, 0),
            (13, 30),
            held=True,
        )
        self.sessions = [
            self.opening,
            self.first_plenary,
            session(
                S.SECTION,
                T(
                    "Section 1: Culture, education and languages",
                    "Секция 1. Культура, образование и языки",
                    "第一分组：文化、教育与语言",
                    "Sektion 1: Kultur, Bildung und Sprachen",
                ),
                self.blue_hall,
                1,
                (15, 0),
                (17, 0),
            ),
            session(
                S.SECTION,
                T(
                    "Section 2: Cooperation between regions",
                    "Секция 2. Межрегиональное сотрудничество",
                    "第二分组：地区间合作",
                    "Sektion 2: Zusammenarbeit der Regionen",
                ),
                self.library,
                1,
                (15, 0),
                (17, 0),
            ),
            session(
                S.RECEPTION,
                T(
                    "Reception on behalf of the Organizing Committee",
                    "Приём от имени Организационного комитета",
                    "组委会招待会",
                    "Empfang des Organisationskomitees",
                ),
                self.foyer,
                1,
                (19, 0),
                (21, 0),
            ),
            session(
                S.PLENARY,
                T(
                    "Second plenary sitting: reports of the executive committees",
                    "Второе пленарное заседание: доклады исполнительных комитетов",
                    "第二次全体会议：各执行委员会报告",
                    "Zweite Plenarsitzung: Berichte der Exekutivkomitees",
                ),
                self.great_hall,
                2,
                (10, 0),
                (12, 30),
            ),
            session(
                S.ROUND_TABLE,
                T(
                    "Round table: Youth and the future of friendship",
                    "Круглый стол «Молодёжь и будущее дружбы»",
                    "圆桌会议：青年与友谊的未来",
                    "Runder Tisch: Die Jugend und die Zukunft der Freundschaft",
                ),
                self.blue_hall,
                2,
                (14, 0),
                (16, 0),
            ),
            session(
                S.SECTION,
                T(
                    "Section 3: Media and public diplomacy",
                    "Секция 3. СМИ и публичная дипломатия",
                    "第三分组：媒体与公共外交",
                    "Sektion 3: Medien und öffentliche Diplomatie",
                ),
                self.library,
                2,
                (14, 0),
                (16, 0),
            ),
            session(
                S.SECTION,
                T(
                    "Section 4: Regional studies and shared heritage",
                    "Секция 4. Регионоведение и общее наследие",
                    "第四分组：地区研究与共同遗产",
                    "Sektion 4: Regionalstudien und gemeinsames Erbe",
                ),
                self.blue_hall,
                3,
                (10, 0),
                (12, 0),
            ),
            session(
                S.PLENARY,
                T(
                    "Closing plenary sitting: adoption of the final declaration",
                    "Заключительное пленарное заседание: принятие итоговой декларации",
                    "闭幕全体会议：通过最后宣言",
                    "Abschließende Plenarsitzung: Annahme der Schlusserklärung",
                ),
                self.great_hall,
                3,
                (13, 0),
                (15, 0),
            ),
        ]
        await self.add(self.sessions)

        def item(
            session: Session, position: int, kind: AgendaItemKind, title: dict[str, str]
        ) -> AgendaItem:
            return AgendaItem(session_id=session.id, position=position, kind=kind, title=title)

        A = AgendaItemKind
        plenary, round_table, closing, reception = (
            self.first_plenary,
            self.sessions[6],
            self.sessions[9],
            self.sessions[4],
        )
        await self.add(
            item(
                plenary,
                1,
                A.PROCEDURAL,
                T(
                    "Election of the working bodies of the congress",
                    "Избрание рабочих органов конгресса",
                    "选举大会工作机构",
                    "Wahl der Arbeitsorgane des Kongresses",
                ),
            ),
            item(
                plenary,
                2,
                A.PROCEDURAL,
                T(
                    "Adoption of the agenda",
                    "Утверждение повестки дня",
                    "通过议程",
                    "Annahme der Tagesordnung",
                ),
            ),
            item(
                plenary,
                3,
                A.OTHER,
                T(
                    "Presentation of the executive committees and delegations",
                    "Представление исполнительных комитетов и делегаций",
                    "介绍各执行委员会和代表团",
                    "Vorstellung der Exekutivkomitees und Delegationen",
                ),
            ),
            item(plenary, 4, A.BREAK, T("Coffee break", "Кофе-брейк", "茶歇", "Kaffeepause")),
            item(
                reception,
                1,
                A.PERFORMANCE,
                T(
                    "Concert of the youth folk ensemble “Danube Wave”",
                    "Концерт молодёжного фольклорного ансамбля «Дунайская волна»",
                    "青年民间乐团“多瑙河之波”音乐会",
                    "Konzert des Jugend-Folkloreensembles „Donauwelle“",
                ),
            ),
            item(
                round_table,
                1,
                A.OTHER,
                T("Open discussion", "Свободная дискуссия", "自由讨论", "Offene Diskussion"),
            ),
            item(
                closing,
                1,
                A.PROCEDURAL,
                T(
                    "Adoption of the final declaration",
                    "Принятие итоговой декларации",
                    "通过最后宣言",
                    "Annahme der Schlusserklärung",
                ),
            ),
            item(
                closing,
                2,
                A.PROCEDURAL,
                T(
                    "Election of the Coordination Committee",
                    "Избрание Координационного комитета",
                    "选举协调委员会",
                    "Wahl des Koordinationskomitees",
                ),
            ),
            item(
                closing,
                3,
                A.PROCEDURAL,
                T(
                    "Closing of the congress",
                    "Закрытие конгресса",
                    "大会闭幕",
                    "Schließung des Kongresses",
                ),
            ),
        )

    async def _opening_ceremony(self) -> None:
        session = self.opening
        seats = [
            (1, self.adviser, self.pos_adviser, SeatRole.MEMBER),
            (2, self.chairman, self.pos_organizing_chairman, SeatRole.CHAIR),
            (3, self.society_chairman, self.pos_society_chairman, SeatRole.MEMBER),
        ]
        self.db.add_all(
            PresidiumSeat(
                session_id=session.id,
                seat_number=number,
                person_id=who.id,
                position_id=position.id,
                role=role,
            )
            for number, who, position, role in seats
        )

        A = AgendaItemKind
        held = session.actual_start
        assert held is not None
        items = [
            (
                A.GIFT,
                T(
                    "Presentation of a gift for the Ambassador of the People's Republic of China",
                    "Вручение подарка для Посла Китайской Народной Республики",
                    "向中华人民共和国大使赠送礼品",
                    "Überreichung eines Geschenks für den Botschafter der Volksrepublik China",
                ),
                5,
            ),
            (
                A.AWARD,
                T(
                    "Award of the commemorative badge “Ambassador of Friendship”",
                    "Вручение памятного знака «Посол дружбы»",
                    "颁发“友好使者”纪念章",
                    "Verleihung des Gedenkabzeichens „Botschafter der Freundschaft“",
                ),
                8,
            ),
            (
                A.SPEECH,
                T(
                    "Joint address of the Embassy of the People's Republic of China",
                    "Совместное обращение Посольства Китайской Народной Республики",
                    "中华人民共和国大使馆共同致辞",
                    "Gemeinsame Ansprache der Botschaft der Volksrepublik China",
                ),
                15,
            ),
            (
                A.SPEECH,
                T("Welcoming speech", "Приветственное слово", "欢迎辞", "Begrüßungsrede"),
                12,
            ),
            (
                A.SPEECH,
                T(
                    "Address of the Chairman of the Global Friendship Alliance",
                    "Выступление председателя Глобального альянса дружбы",
                    "全球友好联盟主席讲话",
                    "Ansprache des Vorsitzenden der Globalen Freundschaftsallianz",
                ),
                20,
            ),
        ]
        agenda = []
        moment = held + dt.timedelta(minutes=3)
        for position, (kind, title, minutes) in enumerate(items, start=1):
            agenda.append(
                AgendaItem(
                    session_id=session.id,
                    position=position,
                    kind=kind,
                    title=title,
                    planned_start=moment,
                    planned_end=moment + dt.timedelta(minutes=minutes),
                    actual_start=moment + dt.timedelta(minutes=2),
                    actual_end=moment + dt.timedelta(minutes=minutes + 3),
                )
            )
            moment += dt.timedelta(minutes=minutes + 3)
        await self.add(agenda)
        gift_item, award_item, joint_item, welcome_item, address_item = agenda

        self.gift = Gift(
            agenda_item_id=gift_item.id,
            giver_id=self.activist.id,
            recipient_id=self.ambassador.id,
            received_by_id=self.adviser.id,
            description=T(
                "A hand-painted porcelain vase with the emblem of the congress, presented for Ambassador Zhao Mingyuan, who could not attend; received on his behalf by his adviser Chen Jing.",
                "Расписная фарфоровая ваза с эмблемой конгресса для Посла Чжао Минъюаня, который не смог присутствовать; от его имени подарок приняла его советник Чэнь Цзин.",
                "一只绘有大会会徽的手绘瓷瓶，赠予未能出席的赵明远大使，由其顾问陈静代为接受。",
                "Eine handbemalte Porzellanvase mit dem Emblem des Kongresses für Botschafter Zhao Mingyuan, der nicht anwesend sein konnte; seine Beraterin Chen Jing nahm sie in seinem Namen entgegen.",
            ),
        )
        award = Award(
            agenda_item_id=award_item.id,
            kind=AwardKind.BADGE,
            name=T(
                "Commemorative badge “Ambassador of Friendship”",
                "Памятный знак «Посол дружбы»",
                "“友好使者”纪念章",
                "Gedenkabzeichen „Botschafter der Freundschaft“",
            ),
            recipient_id=self.blogger.id,
            presenter_id=self.chairman.id,
            citation=T(
                "For the video series “Across Borders”, which has introduced hundreds of thousands of viewers to the people, cities and traditions of the Alliance's countries.",
                "За цикл видеофильмов «Без границ», познакомивший сотни тысяч зрителей с людьми, городами и традициями стран Альянса.",
                "表彰其系列视频《跨越边界》向数十万观众介绍了联盟各国的人民、城市和传统。",
                "Für die Videoreihe „Über Grenzen“, die Hunderttausenden Zuschauern die Menschen, Städte und Traditionen der Länder der Allianz nähergebracht hat.",
            ),
        )
        approved_at = self.at(1, 16)

        def speech(
            item: AgendaItem, kind: SpeechKind, language: str, transcript: dict[str, str]
        ) -> Speech:
            return Speech(
                agenda_item_id=item.id,
                kind=kind,
                title=item.title,
                language=language,
                transcript=transcript,
                transcript_status={
                    lang: ORIGINAL if lang == language else TRANSLATION for lang in transcript
                },
                approved=True,
                approved_at=approved_at,
            )

        self.joint = speech(joint_item, SpeechKind.GREETING, "zh", JOINT_ADDRESS)
        self.welcome = speech(welcome_item, SpeechKind.WELCOME, "de", WELCOME)
        self.address = speech(address_item, SpeechKind.ADDRESS, "ru", POLITICAL_ADDRESS)
        await self.add(self.gift, award, self.joint, self.welcome, self.address)
        await self.add(
            SpeechSpeaker(
                speech_id=self.joint.id,
                person_id=self.minister_counsellor.id,
                order=1,
                position_id=self.pos_minister_counsellor.id,
                on_behalf_of_id=self.embassy.id,
                capacity=T(
                    "on behalf of Ambassador Zhao Mingyuan",
                    "от имени Посла Чжао Минъюаня",
                    "代表赵明远大使",
                    "im Namen von Botschafter Zhao Mingyuan",
                ),
            ),
            SpeechSpeaker(
                speech_id=self.joint.id,
                person_id=self.first_secretary.id,
                order=2,
                position_id=self.pos_first_secretary.id,
                on_behalf_of_id=self.embassy.id,
                capacity=T(
                    "for the Embassy's cultural section",
                    "от имени отдела культуры Посольства",
                    "代表使馆文化处",
                    "für die Kulturabteilung der Botschaft",
                ),
            ),
            SpeechSpeaker(
                speech_id=self.welcome.id,
                person_id=self.society_chairman.id,
                order=1,
                position_id=self.pos_society_chairman.id,
                on_behalf_of_id=self.society.id,
                capacity=T(
                    "also conveying greetings from Dr Margarethe Aigner, President of the Meridian Peace Foundation",
                    "также передал приветствие президента Фонда мира «Меридиан» доктора Маргарете Айгнер",
                    "同时转达子午线和平基金会主席玛格丽特·艾格纳博士的问候",
                    "überbrachte zugleich die Grüße von Dr. Margarethe Aigner, Präsidentin der Meridian-Friedensstiftung",
                ),
            ),
            SpeechSpeaker(
                speech_id=self.address.id,
                person_id=self.chairman.id,
                order=1,
                position_id=self.pos_chairman.id,
                on_behalf_of_id=self.alliance.id,
            ),
        )

    # ---- registration -------------------------------------------------------------------------

    async def _participants(self) -> None:
        rng = self.rng
        C, S = ParticipantCategory, ParticipantStatus
        rows: list[
            tuple[
                Person,
                ParticipantCategory,
                Organization | None,
                Position | None,
                Delegation | None,
                ParticipantStatus | None,
            ]
        ] = []

        # The people of the ceremony: all there, except the ambassador and the foundation's
        # president, who had sent their regrets.
        rows += [
            (self.adviser, C.GUEST, self.embassy, self.pos_adviser, None, S.CHECKED_IN),
            (
                self.minister_counsellor,
                C.GUEST,
                self.embassy,
                self.pos_minister_counsellor,
                None,
                S.CHECKED_IN,
            ),
            (
                self.first_secretary,
                C.GUEST,
                self.embassy,
                self.pos_first_secretary,
                None,
                S.CHECKED_IN,
            ),
            (self.chairman, C.MEMBER, self.alliance, self.pos_chairman, None, S.CHECKED_IN),
            (
                self.society_chairman,
                C.MEMBER,
                self.society,
                self.pos_society_chairman,
                None,
                S.CHECKED_IN,
            ),
            (self.activist, C.GUEST, self.youth[0], self.pos_activist, None, S.CHECKED_IN),
            (self.blogger, C.GUEST, None, self.pos_blogger, None, S.CHECKED_IN),
            (self.president, C.GUEST, self.foundation, self.pos_president, None, S.CANCELLED),
            (self.ambassador, C.GUEST, self.embassy, self.pos_ambassador, None, S.CANCELLED),
        ]

        new_people: list[Person] = []
        positions: list[Position] = []
        planned: list[
            tuple[
                Person,
                ParticipantCategory,
                Organization | None,
                Position | None,
                str | None,
                ParticipantStatus | None,
            ]
        ] = []

        def someone(
            country: str,
            category: ParticipantCategory,
            organization: Organization | None,
            title: dict[str, str] | None = None,
            delegation: str | None = None,
            status: ParticipantStatus | None = None,
        ) -> Person:
            person = self.people.make(country)
            new_people.append(person)
            position = None
            if title is not None:
                position = Position(title=title)
                positions.append(position)
            planned.append((person, category, organization, position, delegation, status))
            return person

        # Delegations of five countries, led by the chairs of the executive committees.
        quotas = {"RU": (30, 26), "CN": (25, 22), "DE": (20, 16), "KZ": (12, 10), "RS": (10, 8)}
        heads: dict[str, Person] = {}
        for code, (_quota, size) in quotas.items():
            committee = self.committees[code]
            heads[code] = someone(
                code,
                C.DELEGATE,
                committee,
                T(
                    "Chairman of the Executive Committee",
                    "Председатель Исполнительного комитета",
                    "执行委员会主席",
                    "Vorsitzender des Exekutivkomitees",
                ),
                code,
                S.CHECKED_IN,
            )
            for _ in range(size - 1):
                someone(code, C.DELEGATE, committee, delegation=code)

        # Members and candidate members of the Coordination Committee, from the bodies it unites.
        member_bodies = [self.study_society, self.club, *self.parties, *self.youth, self.society]
        for index in range(30):
            category = C.MEMBER if index < 18 else C.CANDIDATE_MEMBER
            title = (
                T(
                    "Member of the Coordination Committee",
                    "Член Координационного комитета",
                    "协调委员会委员",
                    "Mitglied des Koordinationskomitees",
                )
                if category is C.MEMBER
                else T(
                    "Candidate member of the Coordination Committee",
                    "Кандидат в члены Координационного комитета",
                    "协调委员会候补委员",
                    "Kandidat des Koordinationskomitees",
                )
            )
            body = member_bodies[index % len(member_bodies)]
            someone(body.country or rng.choice(list(COUNTRIES)), category, body, title)

        # Press observers from three countries.
        for code, outlet in self.media.items():
            for _ in range(3):
                someone(
                    code,
                    C.OBSERVER,
                    outlet,
                    T("Correspondent", "Корреспондент", "记者", "Korrespondent"),
                )

        # Congress staff from the host country.
        for _ in range(10):
            someone(
                "AT",
                C.STAFF,
                self.committees["AT"],
                T("Congress staff", "Сотрудник конгресса", "大会工作人员", "Kongressteam"),
            )

        # Guests: the embassy, the foundation, the university club, societies, parties, youth.
        guest_bodies = [
            self.embassy,
            self.foundation,
            self.club,
            self.study_society,
            self.society,
            *self.parties,
            *self.youth,
            None,
        ]
        while len(rows) + len(planned) < PARTICIPANTS:
            host = rng.choice(guest_bodies)
            country = (
                host.country
                if host is not None and host.country
                else rng.choice(["AT", "DE", "RU", "RS"])
            )
            someone(country, C.GUEST, host)

        await self._drop_taken_emails(new_people)
        await self.add(new_people)
        for person, _category, organization, held, _delegation, _status in planned:
            if held is not None:
                held.person_id = person.id
                held.organization_id = organization.id if organization is not None else None
        await self.add(positions)

        self.delegations = {
            code: Delegation(
                event_id=self.event.id,
                name=T(
                    f"Delegation of {COUNTRIES[code].name['en']}",
                    f"Делегация {COUNTRIES[code].ru_genitive}",
                    f"{COUNTRIES[code].name['zh']}代表团",
                    f"Delegation aus {COUNTRIES[code].name['de']}",
                ),
                organization_id=self.committees[code].id,
                country=code,
                head_id=heads[code].id,
                quota=quota,
            )
            for code, (quota, _size) in quotas.items()
        }
        await self.add(self.delegations.values())
        for person, category, organization, position, delegation_code, status in planned:
            delegation = self.delegations[delegation_code] if delegation_code else None
            rows.append((person, category, organization, position, delegation, status))

        participants = []
        badge = 0
        for person, category, organization, position, delegation, forced in rows:
            status = forced or self._status()
            has_badge = status in (S.ACCREDITED, S.CHECKED_IN, S.NO_SHOW)
            if has_badge:
                badge += 1
            participants.append(
                Participant(
                    event_id=self.event.id,
                    person_id=person.id,
                    category=category,
                    status=status,
                    delegation_id=delegation.id if delegation else None,
                    organization_id=organization.id if organization else None,
                    position_id=position.id if position else None,
                    badge_number=f"{badge:04d}" if has_badge else None,
                    consent_publication=category is not C.STAFF and rng.random() < 0.88,
                    registered_at=None
                    if status is S.INVITED
                    else self.at(1, 9)
                    - dt.timedelta(days=rng.randint(3, 55), minutes=rng.randint(0, 600)),
                    checked_in_at=self.at(1, 8, 30) + dt.timedelta(minutes=rng.randint(0, 85))
                    if status is S.CHECKED_IN
                    else None,
                )
            )
        # Officials appear on public lists (their presence is public anyway).
        for participant in participants[:9]:
            participant.consent_publication = True
        await self.add(participants)
        self.participants = participants

    def _status(self) -> ParticipantStatus:
        S = ParticipantStatus
        return self.rng.choices(
            [S.CHECKED_IN, S.ACCREDITED, S.REGISTERED, S.INVITED, S.CANCELLED, S.NO_SHOW],
            weights=[60, 15, 8, 5, 6, 6],
        )[0]

    async def _drop_taken_emails(self, people: list[Person]) -> None:
        """Give e-mails to most people, skipping addresses another record already uses."""
        wanted = {}
        for person in people:
            if self.rng.random() < 0.75:
                wanted[_email(person)] = person
        taken = set(
            (
                await self.db.scalars(select(Person.email).where(Person.email.in_(list(wanted))))
            ).all()
        )
        for email, person in wanted.items():
            if email not in taken:
                person.email = email

    async def _attendance(self) -> None:
        """Presence at the first two sittings, as the desk recorded it."""
        S, A = ParticipantStatus, AttendanceState
        rows = []
        # The ceremony's officials, speakers and laureates (the first participants) were there.
        on_stage = {participant.id for participant in self.participants[:7]}
        for session in (self.opening, self.first_plenary):
            assert session.actual_start is not None
            for participant in self.participants:
                if participant.category is ParticipantCategory.STAFF:
                    continue
                if participant.status is S.CHECKED_IN:
                    state = self.rng.choices([A.PRESENT, A.EXCUSED, A.ABSENT], weights=[90, 5, 5])[
                        0
                    ]
                elif participant.status is S.NO_SHOW:
                    state = A.ABSENT
                elif participant.status is S.ACCREDITED:
                    state = self.rng.choice([A.EXCUSED, A.ABSENT])
                else:
                    continue
                if session is self.opening and participant.id in on_stage:
                    state = A.PRESENT
                rows.append(
                    Attendance(
                        participant_id=participant.id,
                        session_id=session.id,
                        state=state,
                        recorded_at=session.actual_start
                        + dt.timedelta(minutes=self.rng.randint(-20, 15)),
                    )
                )
        await self.add(rows)

    # ---- decisions ----------------------------------------------------------------------------

    async def _decisions(self) -> None:
        """The closing sitting: a roll call, the declaration adopted by a roll-call vote of the
        delegations, the Coordination Committee elected in two rounds; headcounts of the press
        and observers who came without registering."""
        rng = self.rng
        closing = self.sessions[9]
        agenda = {
            item.position: item
            for item in (
                await self.db.execute(select(AgendaItem).where(AgendaItem.session_id == closing.id))
            ).scalars()
        }
        S, C = ParticipantStatus, ParticipantCategory
        voters = [
            p
            for p in self.participants
            if p.delegation_id is not None
            and p.category in (C.DELEGATE, C.MEMBER)
            and p.status in (S.ACCREDITED, S.CHECKED_IN)
        ]
        accredited: dict[int, int] = {d.id: 0 for d in self.delegations.values()}
        present: dict[int, int] = dict.fromkeys(accredited, 0)
        for voter in voters:
            assert voter.delegation_id is not None
            accredited[voter.delegation_id] += 1
            # Those who checked in at the door, less a few out in the corridor.
            if voter.status is S.CHECKED_IN and rng.random() < 0.95:
                present[voter.delegation_id] += 1
        total = sum(accredited.values())
        quorum = rules.quorum_required(total, None, None)
        moment = closing.planned_start + dt.timedelta(minutes=12)
        roll_call = RollCall(
            session_id=closing.id,
            taken_at=moment,
            accredited=total,
            present=sum(present.values()),
            quorum=quorum,
            quorum_rule="more than 1/2",
            quorum_met=sum(present.values()) >= quorum,
            by_delegation=[
                {"delegation_id": d, "accredited": accredited[d], "present": present[d]}
                for d in sorted(accredited)
            ],
        )
        await self.add(roll_call)

        text = T(
            "The Second International Friendship Congress,\n"
            "having heard the reports of the delegations and the discussion in its sections,\n"
            "1. affirms friendship between peoples as the foundation of peace;\n"
            "2. calls for exchanges of students, teachers and young artists to be doubled;\n"
            "3. entrusts the Coordination Committee with preparing the next congress.",
            "Второй международный конгресс дружбы,\n"
            "заслушав доклады делегаций и обсуждение в секциях,\n"
            "1. подтверждает, что дружба между народами — основа мира;\n"
            "2. призывает удвоить обмены студентами, учителями и молодыми артистами;\n"
            "3. поручает Координационному комитету подготовку следующего конгресса.",
            "第二届国际友好大会，\n"
            "听取了各代表团的报告和各分组的讨论，\n"
            "1. 重申各国人民之间的友谊是和平的基础；\n"
            "2. 呼吁将学生、教师和青年艺术家的交流增加一倍；\n"
            "3. 委托协调委员会筹备下一届大会。",
            "Der Zweite Internationale Freundschaftskongress,\n"
            "nach Anhörung der Berichte der Delegationen und der Aussprache in den Sektionen,\n"
            "1. bekräftigt die Freundschaft zwischen den Völkern als Grundlage des Friedens;\n"
            "2. ruft dazu auf, den Austausch von Studierenden, Lehrkräften und jungen"
            " Künstlern zu verdoppeln;\n"
            "3. beauftragt das Koordinationskomitee mit der Vorbereitung des nächsten Kongresses.",
        )
        declaration = Motion(
            event_id=self.event.id,
            session_id=closing.id,
            agenda_item_id=agenda[1].id,
            kind=MotionKind.DECLARATION,
            title=T(
                "Final declaration of the Second International Friendship Congress",
                "Итоговая декларация Второго международного конгресса дружбы",
                "第二届国际友好大会最后宣言",
                "Schlusserklärung des Zweiten Internationalen Freundschaftskongresses",
            ),
            text=text,
            adopted_text=text,
            submitted_by_organization_id=self.organizing_committee.id,
            status=MotionStatus.ADOPTED,
            decided_at=moment + dt.timedelta(minutes=25),
        )
        await self.add(declaration)
        breakdown = []
        for delegation_id in sorted(present):
            held = present[delegation_id]
            against = min(held, rng.choice([0, 0, 0, 1]))
            abstaining = min(held - against, rng.choice([0, 0, 1, 2]))
            breakdown.append(
                {
                    "delegation_id": delegation_id,
                    "held": held,
                    "votes_for": held - against - abstaining,
                    "votes_against": against,
                    "abstaining": abstaining,
                }
            )
        votes_for = sum(row["votes_for"] for row in breakdown)
        against = sum(row["votes_against"] for row in breakdown)
        adopted = rules.adopted(MajorityRule.TWO_THIRDS, votes_for, against, total)
        assert adopted
        await self.add(
            Vote(
                event_id=self.event.id,
                motion_id=declaration.id,
                method=VoteMethod.ROLL_CALL,
                majority=MajorityRule.TWO_THIRDS,
                roll_call_id=roll_call.id,
                taken_at=declaration.decided_at,
                votes_for=votes_for,
                votes_against=against,
                abstentions=sum(row["abstaining"] for row in breakdown),
                votes_held=total,
                result=VoteResult.ADOPTED,
                breakdown=breakdown,
            )
        )

        # The Coordination Committee: nine seats, eleven candidates, two rounds.
        members = [p for p in self.participants if p.category is C.MEMBER][:11]
        title = T(
            "Member of the Coordination Committee",
            "Член Координационного комитета",
            "协调委员会委员",
            "Mitglied des Koordinationskomitees",
        )
        election = Election(
            event_id=self.event.id,
            session_id=closing.id,
            agenda_item_id=agenda[2].id,
            title=T(
                "Election of the Coordination Committee",
                "Избрание Координационного комитета",
                "选举协调委员会",
                "Wahl des Koordinationskomitees",
            ),
            body_id=self.coordination_committee.id,
            position_title=title,
            seats=9,
            status=ElectionStatus.DECIDED,
        )
        await self.add(election)
        candidates = [Candidate(election_id=election.id, person_id=m.person_id) for m in members]
        await self.add(candidates)
        ballots = sum(present.values()) - 2
        first_tally = {c.id: ballots - rng.randint(2, 12) for c in candidates[:7]}
        first_tally |= {candidates[7].id: ballots // 2 - 1, candidates[8].id: ballots // 2 - 3}
        first_tally |= {c.id: rng.randint(5, ballots // 3) for c in candidates[9:]}
        second_tally = {candidates[7].id: ballots - 6, candidates[8].id: ballots - 9}
        second_tally |= {c.id: rng.randint(3, 8) for c in candidates[9:]}
        rounds = []
        open_seats = election.seats
        for number, tally in ((1, first_tally), (2, second_tally)):
            outcome = rules.elect(open_seats, election.threshold_percent, ballots, tally)
            open_seats = outcome.open_seats
            taken_at = moment + dt.timedelta(minutes=40 + 25 * number)
            rounds.append(
                Vote(
                    event_id=self.event.id,
                    election_id=election.id,
                    round=number,
                    method=VoteMethod.SECRET_BALLOT,
                    roll_call_id=roll_call.id,
                    taken_at=taken_at,
                    ballots=ballots,
                    spoilt=2,
                    votes_held=total,
                    tally={str(key): votes for key, votes in tally.items()},
                    elected=outcome.elected,
                    result=VoteResult.ELECTED if open_seats == 0 else VoteResult.FURTHER_ROUND,
                )
            )
            for candidate in candidates:
                if candidate.id in outcome.elected:
                    candidate.elected = True
        assert open_seats == 0
        election.decided_at = rounds[-1].taken_at
        await self.add(rounds)
        positions = {
            c.id: Position(
                person_id=c.person_id,
                organization_id=self.coordination_committee.id,
                title=title,
                start_date=rounds[-1].taken_at.astimezone(self.zone).date(),
            )
            for c in candidates
            if c.elected
        }
        await self.add(positions.values())
        for candidate_id, position in positions.items():
            next(c for c in candidates if c.id == candidate_id).position_id = position.id

        headcounts = [
            Headcount(
                session_id=self.opening.id,
                category=HeadcountCategory.PRESS,
                count=12,
                note=T(
                    "journalists from five countries",
                    "журналисты из пяти стран",
                    "来自五个国家的记者",
                    "Journalisten aus fünf Ländern",
                ),
            ),
            Headcount(
                session_id=self.opening.id,
                category=HeadcountCategory.OBSERVERS,
                count=6,
                note=T(
                    "observers from two embassies",
                    "наблюдатели от двух посольств",
                    "来自两个大使馆的观察员",
                    "Beobachter aus zwei Botschaften",
                ),
            ),
            Headcount(
                session_id=self.opening.id,
                category=HeadcountCategory.GUESTS,
                count=40,
                note=T(
                    "guests of the host city",
                    "гости города-хозяина",
                    "东道主城市的嘉宾",
                    "Gäste der Gastgeberstadt",
                ),
            ),
            Headcount(session_id=closing.id, category=HeadcountCategory.PRESS, count=9),
            Headcount(session_id=closing.id, category=HeadcountCategory.OBSERVERS, count=4),
        ]
        await self.add(headcounts)

    # ---- publishing ---------------------------------------------------------------------------

    async def _record(self) -> None:
        category = await self._get_or_create(
            Category,
            "congress-reports",
            T("Congress reports", "Репортажи с конгресса", "大会报道", "Kongressberichte"),
        )
        tags = [
            await self._get_or_create(Tag, slug, name)
            for slug, name in (
                (
                    "opening-ceremony",
                    T("opening ceremony", "церемония открытия", "开幕式", "Eröffnungsfeier"),
                ),
                (
                    "peoples-diplomacy",
                    T("people's diplomacy", "народная дипломатия", "民间外交", "Volksdiplomatie"),
                ),
                ("awards", T("awards", "награды", "颁奖", "Auszeichnungen")),
                ("youth", T("youth", "молодёжь", "青年", "Jugend")),
            )
        ]
        record = Record(
            event_id=self.event.id,
            session_id=self.opening.id,
            slug="opening-ceremony",
            headline=RECORD_HEADLINE,
            lead=RECORD_LEAD,
            body=RECORD_BODY,
            category_id=category.id,
            status=RecordStatus.PUBLISHED,
            published_at=self.at(1, 18),
            view_count=412,
        )
        await self.add(record)
        await self.db.execute(
            record_tag.insert(),
            [{"record_id": record.id, "tag_id": tag.id} for tag in tags],
        )
        await self.add(
            Comment(
                record_id=record.id,
                author_name="Marta K.",
                language="de",
                status=CommentStatus.APPROVED,
                body="Eine sehr bewegende Eröffnung. Danke für die Übersetzungen in alle vier Sprachen!",
                moderated_at=self.at(1, 20),
            ),
            Comment(
                record_id=record.id,
                author_name="Андрей",
                language="ru",
                status=CommentStatus.APPROVED,
                body="Спасибо за подробный отчёт. Ждём материалы секций!",
                moderated_at=self.at(1, 21),
            ),
            Comment(
                record_id=record.id,
                author_name="visitor",
                language="en",
                status=CommentStatus.PENDING,
                body="Will the speeches be published as a booklet?",
            ),
        )

    async def _get_or_create(
        self, model: type[Category] | type[Tag], slug: str, name: dict[str, str]
    ) -> Any:
        found = await self.db.scalar(select(model).where(model.slug == slug))
        if found is None:
            found = model(slug=slug, name=name)
            await self.add(found)
        return found


# ---- replacing ---------------------------------------------------------------------------------


async def delete_demo(db: AsyncSession, event_id: int) -> None:
    """Delete the demo event and the people, bodies and venue that only it refers to.

    People or bodies that something else uses meanwhile (somebody reused a demo person in
    another event) are kept.
    """
    people = await _ids(db, _people_of_event(event_id))
    organizations = await _ids(db, _organizations_of_event(event_id, people))
    venue_id = await db.scalar(select(Event.venue_id).where(Event.id == event_id))

    # Sessions, agenda, speeches, participants, delegations, records … go by ON DELETE CASCADE.
    await db.execute(delete(Event).where(Event.id == event_id))

    orphans = people - await _ids(db, _people_in_use())
    if orphans:
        await db.execute(delete(Person).where(Person.id.in_(orphans)))

    deletable = organizations - await _ids(db, _organizations_in_use())
    while True:  # a body stays while a body that stays has it as parent
        parents = await _ids(
            db,
            select(Organization.parent_id).where(
                Organization.parent_id.in_(deletable), Organization.id.not_in(deletable)
            ),
        )
        if not parents:
            break
        deletable -= parents
    if deletable:
        await db.execute(delete(Organization).where(Organization.id.in_(deletable)))

    if venue_id is not None and not await db.scalar(
        select(func.count()).where(Event.venue_id == venue_id)
    ):
        await db.execute(delete(Venue).where(Venue.id == venue_id))
    db.expunge_all()


def _people_of_event(event_id: int) -> Any:
    sessions = select(Session.id).where(Session.event_id == event_id)
    agenda = select(AgendaItem.id).where(AgendaItem.session_id.in_(sessions))
    speeches = select(Speech.id).where(Speech.agenda_item_id.in_(agenda))
    media = select(MediaItem.id).where(MediaItem.event_id == event_id)
    return union(
        select(Participant.person_id).where(Participant.event_id == event_id),
        select(Delegation.head_id).where(Delegation.event_id == event_id),
        select(PresidiumSeat.person_id).where(PresidiumSeat.session_id.in_(sessions)),
        select(SpeechSpeaker.person_id).where(SpeechSpeaker.speech_id.in_(speeches)),
        select(Award.recipient_id).where(Award.agenda_item_id.in_(agenda)),
        select(Award.presenter_id).where(Award.agenda_item_id.in_(agenda)),
        select(Gift.giver_id).where(Gift.agenda_item_id.in_(agenda)),
        select(Gift.recipient_id).where(Gift.agenda_item_id.in_(agenda)),
        select(Gift.received_by_id).where(Gift.agenda_item_id.in_(agenda)),
        select(media_person.c.person_id).where(media_person.c.media_item_id.in_(media)),
    )


def _people_in_use() -> Any:
    return union(
        select(Participant.person_id),
        select(Delegation.head_id),
        select(PresidiumSeat.person_id),
        select(SpeechSpeaker.person_id),
        select(Award.recipient_id),
        select(Award.presenter_id),
        select(Gift.giver_id),
        select(Gift.recipient_id),
        select(Gift.received_by_id),
        select(media_person.c.person_id),
    )


def _organizations_of_event(event_id: int, people: set[int]) -> Any:
    organizers = select(event_organizer.c.organization_id).where(
        event_organizer.c.event_id == event_id
    )
    sessions = select(Session.id).where(Session.event_id == event_id)
    agenda = select(AgendaItem.id).where(AgendaItem.session_id.in_(sessions))
    speeches = select(Speech.id).where(Speech.agenda_item_id.in_(agenda))
    return union(
        organizers,
        select(Organization.id).where(Organization.parent_id.in_(organizers)),
        select(Participant.organization_id).where(Participant.event_id == event_id),
        select(Delegation.organization_id).where(Delegation.event_id == event_id),
        select(SpeechSpeaker.on_behalf_of_id).where(SpeechSpeaker.speech_id.in_(speeches)),
        select(Position.organization_id).where(Position.person_id.in_(people)),
    )


def _organizations_in_use() -> Any:
    return union(
        select(event_organizer.c.organization_id),
        select(Participant.organization_id),
        select(Delegation.organization_id),
        select(SpeechSpeaker.on_behalf_of_id),
        select(Position.organization_id),
    )


async def _ids(db: AsyncSession, statement: Any) -> set[int]:
    return {value for value in (await db.execute(statement)).scalars() if value is not None}
