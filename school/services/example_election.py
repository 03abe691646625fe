"""An example election for the demo and the tests: two contests in one station (combined elections), each with
a protocol of twelve lines and six control relations.

This is an EXAMPLE, not the law and not the official form: the lines and relations of a real election are
configured by the center from the current official protocol form of the Central Election Commission. The
parties are invented; «Против всех» is on ballots since Constitutional Law No. 41-VII of 24.05.2021.
"""

from datetime import date

from ..models import Election
from . import elections

# (code, number on the form, wording, kind)
LINES = [
    ("voters", "1", "Число избирателей, включённых в списки", "electorate"),
    ("received", "2", "Число бюллетеней, полученных участковой комиссией", "count"),
    ("issued", "3", "Число избирателей, получивших бюллетени", "voted"),
    ("outside", "3.1", "из них для голосования вне помещения", "count"),
    ("cancelled", "4", "Число погашенных (неиспользованных) бюллетеней", "count"),
    ("in_boxes", "5", "Число бюллетеней, извлечённых из урн", "count"),
    ("invalid", "6", "Число недействительных бюллетеней", "count"),
    ("party_a", "7.1", "Партия «Пример-А»", "choice"),
    ("party_b", "7.2", "Партия «Пример-Б»", "choice"),
    ("party_c", "7.3", "Партия «Пример-В»", "choice"),
    ("party_d", "7.4", "Партия «Пример-Г»", "choice"),
    ("against_all", "8", "Против всех", "choice"),
]
# (code, the violation, message, severity)
RELATIONS = [
    ("k1", "issued > voters", "Бюллетеней выдано больше, чем избирателей в списке", "error"),
    ("k2", "issued + cancelled != received", "Выданные и погашенные бюллетени не равны полученным", "warning"),
    ("k3", "in_boxes > issued", "В урнах больше бюллетеней, чем выдано избирателям", "error"),
    ("k4", "invalid + party_a + party_b + party_c + party_d + against_all != in_boxes",
     "Голоса и недействительные бюллетени в сумме не равны числу бюллетеней из урн", "error"),
    ("k5", "outside > issued", "Вне помещения выдано больше бюллетеней, чем всего", "error"),
    ("k6", "invalid > in_boxes / 10", "Недействительных больше 10 % бюллетеней из урн", "warning"),
]
CONTESTS = [
    ("mazhilis", "Депутаты Мажилиса (партийные списки)", 2),
    ("maslikhat", "Депутаты маслихата г. Алматы (партийные списки)", 2),
]
NAME = "Пример: выборы депутатов Мажилиса и маслихата (демонстрация, не форма ЦИК)"


def create(session, actor_id: int | None, when: date, name: str = NAME, second_entry: str = "desk",
           contests=CONTESTS) -> Election:
    """The example election through the same service the center's pages use (so every formula is checked)."""
    election = elections.save_election(session, actor_id, None, name, when, second_entry)
    for code, title, pages in contests:
        contest = elections.add_contest(session, actor_id, election, code, title, pages)
        for line_code, number, wording, kind in LINES:
            elections.save_line(session, actor_id, contest, None, line_code, number, wording, kind)
        for rel_code, formula, message, severity in RELATIONS:
            elections.save_relation(session, actor_id, contest, None, rel_code, formula, message, severity)
    session.flush()
    return election
