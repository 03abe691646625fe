"""Template filters for dates and durations, shown in Almaty time."""

from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")


def local_dt(value, fmt="%d.%m.%Y %H:%M"):
    return value.astimezone(ALMATY).strftime(fmt) if value else "—"


def local_date(value):
    return local_dt(value, "%d.%m.%Y")


def duration(seconds):
    minutes = int(seconds or 0) // 60
    return f"{minutes // 60} ч {minutes % 60} мин" if minutes >= 60 else f"{minutes} мин"


def score(value):
    return "—" if value is None else f"{value:g}%"


def init_app(app):
    app.jinja_env.filters.update(local_dt=local_dt, local_date=local_date, duration=duration, score=score)
