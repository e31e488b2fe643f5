"""Words printed documents need, in the languages congress events use most.

A language without an entry falls back to English; language names come from Babel (CLDR).
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from congress.documents.render import css_string

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "page_of": "Page {n} of {m}",
        "programme": "Programme",
        "proceedings": "Proceedings",
        "contents": "Contents",
        "programme_as_held": "The programme as held",
        "presidium": "Presidium",
        "agenda": "Agenda",
        "speakers": "Speakers",
        "participants": "Participants",
        "participants_by_delegation": "Participants by delegation",
        "no_delegation": "Not in a delegation",
        "index_of_speakers": "Index of speakers",
        "photos": "Photos",
        "award": "Award",
        "gift": "Gift",
        "citation": "Citation",
        "presented_by": "presented by",
        "received_by": "received on behalf of the recipient by",
        "translation_of": "Translation from {language}",
        "interpretation_of": "Interpretation from {language}",
        "fallback": "Not available in {requested}; shown in {served}",
        "no_transcript": "No transcript has been recorded.",
        "room": "Room",
        "time": "Time",
        "name": "Name",
        "organization": "Organization",
        "position": "Position",
        "category": "Category",
        "delegation": "Delegation",
        "head": "Head of delegation",
        "on_behalf_of": "on behalf of",
        "planned": "planned",
        "held": "held",
        "day": "Day",
        "nobody_consented": "No participant has agreed to appear in published lists.",
        "empty_programme": "No sessions have been scheduled yet.",
        "edition": "Edition {n}",
        "signature": "Signature",
        "no": "No.",
        "attendance_list": "Attendance list",
        "generated": "Printed {date}",
    },
    "ru": {
        "page_of": "Страница {n} из {m}",
        "programme": "Программа",
        "proceedings": "Материалы",
        "contents": "Содержание",
        "programme_as_held": "Программа (как проведено)",
        "presidium": "Президиум",
        "agenda": "Порядок работы",
        "speakers": "Выступающие",
        "participants": "Участники",
        "participants_by_delegation": "Участники по делегациям",
        "no_delegation": "Вне делегаций",
        "index_of_speakers": "Указатель выступающих",
        "photos": "Фотографии",
        "award": "Награждение",
        "gift": "Вручение подарка",
        "citation": "Формулировка",
        "presented_by": "вручил(а)",
        "received_by": "от имени получателя принял(а)",
        "translation_of": "Перевод с языка: {language}",
        "interpretation_of": "Устный перевод с языка: {language}",
        "fallback": "Текст на языке «{requested}» отсутствует; приводится на языке «{served}»",
        "no_transcript": "Стенограмма не записана.",
        "room": "Зал",
        "time": "Время",
        "name": "Имя",
        "organization": "Организация",
        "position": "Должность",
        "category": "Категория",
        "delegation": "Делегация",
        "head": "Глава делегации",
        "on_behalf_of": "от имени",
        "planned": "по плану",
        "held": "фактически",
        "day": "День",
        "nobody_consented": "Ни один участник не дал согласия на публикацию.",
        "empty_programme": "Заседания ещё не запланированы.",
        "edition": "{n}-й созыв",
        "signature": "Подпись",
        "no": "№",
        "attendance_list": "Лист регистрации",
        "generated": "Напечатано {date}",
    },
    "zh": {
        "page_of": "第 {n} 页，共 {m} 页",
        "programme": "日程",
        "proceedings": "会议文集",
        "contents": "目录",
        "programme_as_held": "实际日程",
        "presidium": "主席团",
        "agenda": "议程",
        "speakers": "发言人",
        "participants": "与会者",
        "participants_by_delegation": "按代表团列出的与会者",
        "no_delegation": "未属代表团",
        "index_of_speakers": "发言人索引",
        "photos": "照片",
        "award": "颁奖",
        "gift": "赠送礼品",
        "citation": "颁奖词",
        "presented_by": "颁发人",
        "received_by": "代为接受者",
        "translation_of": "译自{language}",
        "interpretation_of": "口译自{language}",
        "fallback": "无{requested}文本；以下为{served}",
        "no_transcript": "尚无发言记录。",
        "room": "会议室",
        "time": "时间",
        "name": "姓名",
        "organization": "组织",
        "position": "职务",
        "category": "类别",
        "delegation": "代表团",
        "head": "团长",
        "on_behalf_of": "代表",
        "planned": "计划",
        "held": "实际",
        "day": "日",
        "nobody_consented": "没有与会者同意公开其姓名。",
        "empty_programme": "尚未安排任何会议。",
        "edition": "第{n}届",
        "signature": "签名",
        "no": "序号",
        "attendance_list": "签到表",
        "generated": "打印于 {date}",
    },
    "de": {
        "page_of": "Seite {n} von {m}",
        "programme": "Programm",
        "proceedings": "Tagungsband",
        "contents": "Inhalt",
        "programme_as_held": "Das Programm, wie es stattfand",
        "presidium": "Präsidium",
        "agenda": "Tagesordnung",
        "speakers": "Redner",
        "participants": "Teilnehmende",
        "participants_by_delegation": "Teilnehmende nach Delegationen",
        "no_delegation": "Ohne Delegation",
        "index_of_speakers": "Rednerverzeichnis",
        "photos": "Fotos",
        "award": "Auszeichnung",
        "gift": "Geschenk",
        "citation": "Würdigung",
        "presented_by": "überreicht von",
        "received_by": "für den Empfänger entgegengenommen von",
        "translation_of": "Übersetzung aus dem {language}",
        "interpretation_of": "Verdolmetschung aus dem {language}",
        "fallback": "Nicht auf {requested} verfügbar; wiedergegeben auf {served}",
        "no_transcript": "Es liegt keine Niederschrift vor.",
        "room": "Saal",
        "time": "Zeit",
        "name": "Name",
        "organization": "Organisation",
        "position": "Funktion",
        "category": "Kategorie",
        "delegation": "Delegation",
        "head": "Delegationsleitung",
        "on_behalf_of": "im Namen von",
        "planned": "geplant",
        "held": "tatsächlich",
        "day": "Tag",
        "nobody_consented": "Niemand hat der Veröffentlichung zugestimmt.",
        "empty_programme": "Es sind noch keine Sitzungen geplant.",
        "edition": "{n}. Ausgabe",
        "signature": "Unterschrift",
        "no": "Nr.",
        "attendance_list": "Anwesenheitsliste",
        "generated": "Gedruckt am {date}",
    },
}


def _base(lang: str) -> str:
    return lang.split("-")[0].lower()


def label(key: str, lang: str, **values: object) -> str:
    words = LABELS.get(_base(lang), LABELS["en"])
    text = words.get(key, LABELS["en"][key])
    return text.format(**values) if values else text


def language_name(code: str, in_lang: str) -> str:
    """ "Russian", "русский", "俄文" … for a language code, in the document's language."""
    try:
        name = Locale.parse(in_lang.replace("-", "_")).languages.get(_base(code))
    except (UnknownLocaleError, ValueError):
        name = None
    return name or code


def page_footer_content(lang: str) -> str:
    """The CSS `content` value of the localized "page N of M" footer."""
    pattern = label("page_of", lang)
    before, _, rest = pattern.partition("{n}")
    middle, _, after = rest.partition("{m}")
    pieces = [css_string(before), "counter(page)", css_string(middle), "counter(pages)"]
    if after:
        pieces.append(css_string(after))
    return " ".join(pieces)
