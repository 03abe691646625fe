"""Write and read the audit log of administrative actions."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import AuditEntry

ACTIONS = {
    "attempt.grant": "Дополнительная попытка",
    "attempt.request": "Запрос дополнительной попытки",
    "attempt.refuse": "Отказ в дополнительной попытке",
    "signoff.confirm": "Подтверждение готовности",
    "signoff.withdraw": "Отзыв подтверждения",
    "certificate.revoke": "Отзыв сертификата",
    "law.change": "Изменение закона",
    "law.recheck": "Повторная проверка",
    "user.create": "Создание учётной записи",
    "user.update": "Изменение учётной записи",
    "user.role": "Смена роли",
    "invitation.create": "Ссылка для пароля",
    "import.apply": "Импорт",
    "contact.create": "Новый контакт",
    "contact.update": "Изменение контакта",
    "contact.delete": "Удаление контакта",
    "voting_day.create": "День голосования",
    "voting_day.sync": "Ожидаемые отметки",
    "device_token.revoke": "Отзыв ключей отправки",
    "seminar.create": "Новый семинар",
    "seminar.update": "Изменение семинара",
    "booking.create": "Запись на семинар",
    "booking.wait": "Лист ожидания семинара",
    "booking.promote": "Место из листа ожидания",
    "booking.cancel": "Отмена записи на семинар",
    "booking.lapse": "Запись на прошедший семинар закрыта",
    "attendance.mark": "Отметка посещения",
    "attendance.self": "Отметка по коду",
    "attendance.sheet": "Посещение с листа",
    "attendance.undo": "Отметка снята",
    "completion.rule": "Правило завершения модуля",
    "election.create": "Выборы",
    "election.update": "Изменение выборов",
    "contest.create": "Протокол выборов",
    "protocol_line.save": "Строка протокола",
    "protocol_line.delete": "Строка протокола удалена",
    "relation.save": "Контрольное соотношение",
    "official.import": "Официальные итоги",
}


def record(session, actor_id: int | None, action: str, target_user_id: int | None = None, **details) -> AuditEntry:
    """Add an entry to the current transaction, so it commits (or not) with the action itself."""
    entry = AuditEntry(actor_id=actor_id, action=action, target_user_id=target_user_id, details=details)
    session.add(entry)
    return entry


def recent(session, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    stmt = (select(AuditEntry).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.target_user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset))
    return list(session.scalars(stmt))
