"""The playbook: situations from the content, search by word forms and synonyms, templates, offline copies."""

import pytest
from sqlalchemy import select

from config import BASE_DIR
from school.models import Situation
from school.services import memo_templates, search_index
from school.services.content import read_content

from .conftest import csrf_from

# What people say on the phone, and the situation (section of module 2) it must find first.
PHRASINGS = [
    ("не пускают", "02-not-admitted"),
    ("меня не пустили на участок", "02-not-admitted"),
    ("недопуск наблюдателя", "02-not-admitted"),
    ("не регистрируют в журнале", "02-not-admitted"),
    ("охранник говорит посторонним нельзя", "02-not-admitted"),
    ("председатель требует список из ТИК", "02-not-admitted"),
    ("выгоняют с участка", "03-removal"),
    ("удалили наблюдателя", "03-removal"),
    ("вызвали полицию, выводят", "03-removal"),
    ("просят уйти, говорят что мешаю", "03-removal"),
    ("запрещают снимать", "04-photo-video"),
    ("требуют удалить видео", "04-photo-video"),
    ("забрали телефон", "04-photo-video"),
    ("агитируют у входа", "05-campaigning"),
    ("раздают листовки", "05-campaigning"),
    ("вдвоём в кабине", "06-family-voting"),
    ("муж заполняет бюллетень за жену", "06-family-voting"),
    ("одни и те же люди голосуют несколько раз", "07-carousel"),
    ("карусель", "07-carousel"),
    ("автобус привёз людей", "07-carousel"),
    ("вброс", "08-ballot-stuffing"),
    ("кинули пачку бюллетеней в урну", "08-ballot-stuffing"),
    ("опустил несколько бюллетеней", "08-ballot-stuffing"),
    ("фотографируют бюллетень для начальника", "09-voter-pressure"),
    ("заставляют голосовать", "09-voter-pressure"),
    ("переносную урну увезли без нас", "10-mobile-box"),
    ("голосование на дому", "10-mobile-box"),
    ("не показывают бюллетени при подсчёте", "11-count-visibility"),
    ("не видно как считают", "11-count-visibility"),
    ("члены комиссии ругаются", "12-commission-conflict"),
    ("не дают копию протокола", "13-protocol-copy"),
    ("протокол не вывесили", "13-protocol-copy"),
    ("человеку плохо", "14-health-emergency"),
    ("упала в обморок", "14-health-emergency"),
    ("отключили свет", "14-health-emergency"),
    ("ошибся в акте", "15-observer-mistakes"),
    ("выложил фото в соцсети", "15-observer-mistakes"),
]


@pytest.fixture(scope="module")
def shipped():
    bundle = read_content(str(BASE_DIR / "courses"), str(BASE_DIR / "quizzes"))
    assert not bundle.errors
    return bundle


@pytest.fixture(scope="module")
def situations(shipped):
    return [s["situation"] for m in shipped.modules for s in m["sections"] if s.get("situation")]


def test_every_situation_of_module_2_is_in_the_playbook(situations):
    slugs = [s["slug"] for s in situations]
    assert slugs == [f"{n:02d}-{name}" for n, name in enumerate(
        ["not-admitted", "removal", "photo-video", "campaigning", "family-voting", "carousel", "ballot-stuffing",
         "voter-pressure", "mobile-box", "count-visibility", "commission-conflict", "protocol-copy",
         "health-emergency", "observer-mistakes"], start=2)]
    for s in situations:
        assert s["parts"]["signs"] and s["parts"]["steps"] and s["parts"]["law"], s["slug"]
        assert len(s["keywords"]) >= 8 and s["articles"], s["slug"]
    urgent = {s["slug"] for s in situations if s["urgent"]}
    assert urgent == {"02-not-admitted", "03-removal", "08-ballot-stuffing", "14-health-emergency"}


@pytest.mark.parametrize("query,expected", PHRASINGS)
def test_search_finds_the_situation_by_what_people_say(situations, query, expected):
    found = search_index.rank(query, situations, terms_of=lambda s: s["terms"])
    assert found and found[0]["slug"] == expected, [s["slug"] for s in found]


def test_word_forms_and_negation():
    assert search_index.tokens("не пускают") == search_index.tokens("Не пускали") == ["не+пуска"]
    assert search_index.tokens("пускают") == ["пуска"]
    assert search_index.tokens("нет света") == ["нет", "не+свет"]


def test_nonsense_finds_nothing(situations):
    assert search_index.rank("погода завтра солнечная", situations, terms_of=lambda s: s["terms"]) == []


def test_templates_come_from_the_memos_with_blanks_and_choices(shipped):
    templates = {(m["slug"], t["title"]) for m in shipped.memos for t in m["templates"]}
    assert ("04-act-template", "Акт о нарушении") in templates
    assert ("06-complaint", "Жалоба в ТИК") in templates
    assert ("05-applications", "Несогласие с удалением") in templates
    removal = next(t for m in shipped.memos for t in m["templates"] if t["title"] == "Несогласие с удалением")
    assert removal["lines"][0].startswith("Председателю участковой избирательной комиссии № [ ]")
    pieces = memo_templates.pieces("решение мне [не предъявлено / предъявлено, копия не выдана].")
    assert pieces[1]["choices"] == ["не предъявлено", "предъявлено, копия не выдана"]
    assert memo_templates.pieces("Участок № [ ], [ФИО]")[1]["label"] == "Участок №"


def test_content_check_reports_a_bad_situation(tmp_path, shipped):
    courses = tmp_path / "courses"
    (courses / "m").mkdir(parents=True)
    (courses / "memos").mkdir()
    (courses / "m" / "module.md").write_text("---\ntitle: М\norder: 1\nquiz: q\nlaw_as_of: 2026-07-01\n---\nТекст\n")
    (courses / "m" / "01-s.md").write_text("---\ntitle: С\nminutes: 5\nkeywords: вброс\ntemplates: nope\n---\n"
                                           "## Признаки\n\n- урна\n")
    (courses / "m" / "02-t.md").write_text("---\ntitle: Т\nminutes: 5\nurgent: yes\n---\nТекст\n")
    errors = [str(e) for e in read_content(str(courses), str(tmp_path)).errors]
    assert any("01-s.md" in e and "нет раздела «## Что делать»" in e for e in errors)
    assert any("01-s.md:5: templates: в памятках нет образцов «nope»" in e for e in errors)
    assert any("02-t.md:4: «urgent» бывает только у ситуации" in e for e in errors)


def test_sample_situation_is_loaded(db):
    row = db.session.scalar(select(Situation))
    assert row.slug == "02-case" and row.urgent and row.templates == ["01-carry"]


def test_playbook_pages_search_and_templates(client, login_as):
    login_as("consultant")
    html = client.get("/playbook?q=не пустили").get_data(as_text=True)
    assert "Найдено по запросу" in html and "/playbook/02-case" in html
    page = client.get("/playbook/02-case")
    html = page.get_data(as_text=True)
    assert "Признаки" in html and "Позвоните консультанту" in html and "ст. 20-1" in html
    assert 'data-blank="[ФИО]"' in html and '<option value="письменно">' in html
    assert client.get("/playbook/01-case").status_code == 404  # a section that is not a situation
    assert "Акт: участок" in client.get("/playbook/templates").get_data(as_text=True)


def test_offline_copies_hold_nothing_personal(client, login_as):
    user = login_as("consultant", name="Личная Фамилия")
    token = csrf_from(client.get("/account/password"))
    for url in ("/playbook", "/playbook/02-case", "/playbook/templates", "/playbook/contacts", "/memos",
                "/memos/01-carry", "/report", "/offline"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.headers.get("X-Offline-Copy") == "1", url
        assert user.full_name not in html and token not in html and "Обновлено:" in html, url
        assert html.count('name="csrf_token"') == html.count('name="csrf_token" value=""') == 1, url
    day = client.get("/dashboard")
    assert "X-Offline-Copy" not in day.headers and user.full_name in day.get_data(as_text=True)
    assert client.get("/offline/csrf").get_json()["csrf_token"]


def test_manifest_and_service_worker(client, login_as):
    assert client.get("/offline/manifest.json").status_code == 302  # login first
    login_as("coordinator")
    urls = client.get("/offline/manifest.json").get_json()["urls"]
    assert {"/playbook", "/playbook/02-case", "/memos/01-carry", "/report", "/static/js/offline.js"} <= set(urls)
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache" and b"X-Offline-Copy" in worker.data
