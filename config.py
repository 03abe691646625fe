"""Configuration classes, read from environment variables."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# A placeholder that ProductionConfig.check refuses.
DEFAULT_SECRET = "dev-only-not-secret"  # noqa: S105  # nosec B105


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'school.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    COURSES_DIR = os.environ.get("COURSES_DIR", str(BASE_DIR / "courses"))
    QUIZZES_DIR = os.environ.get("QUIZZES_DIR", str(BASE_DIR / "quizzes"))
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins only: per account, and per address with a ceiling a training room never reaches.
    LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "10 per minute")
    LOGIN_ADDRESS_LIMIT = os.environ.get("LOGIN_ADDRESS_LIMIT", "50 per minute")
    # With Redis unreachable, limits go on per process (a warning is logged) instead of failing logins.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = "school"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    LANGUAGES = ["ru", "kk", "en"]
    # Request bodies: 2 MB unless a route sets its own (the admin import: 16 MB, see school/request_limits.py).
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Fields per form: real forms (the largest is a quiz attempt) have a few hundred at most.
    MAX_FORM_PARTS = 2000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    SESSION_IDLE_SECONDS = 30 * 60
    SESSION_ABSOLUTE_SECONDS = 12 * 3600
    ELECTION_DATE = os.environ.get("ELECTION_DATE", "2027-01-10")
    QUALIFICATION_DEADLINE = os.environ.get("QUALIFICATION_DEADLINE", "2027-01-03")
    READINESS_PAGE_SIZE = 200
    # When on, a coordinator grants an extra attempt directly instead of asking the center.
    COORDINATORS_GRANT_ATTEMPTS = os.environ.get("COORDINATORS_GRANT_ATTEMPTS", "0") == "1"
    # Certificates: the public address their QR code and /verify links use (empty: the address of the
    # request that downloads it), the fonts (Debian's fonts-dejavu-core) and how often one address may verify.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    CERTIFICATE_FONT_DIR = os.environ.get("CERTIFICATE_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    # Seminars: a seat can be cancelled until this many hours before the start (a waiting place until the start);
    # from this many days before QUALIFICATION_DEADLINE the admin overview lists who has neither a seminar place
    # nor the online part.
    SEMINAR_CANCEL_HOURS = int(os.environ.get("SEMINAR_CANCEL_HOURS", "24"))
    SEMINAR_ALERT_DAYS = int(os.environ.get("SEMINAR_ALERT_DAYS", "7"))
    # Voting day: incident photos live outside the web root; the desk's queue refreshes itself this often.
    INCIDENT_PHOTO_DIR = os.environ.get("INCIDENT_PHOTO_DIR", str(BASE_DIR / "instance" / "incident-photos"))
    DESK_POLL_SECONDS = int(os.environ.get("DESK_POLL_SECONDS", "15"))
    # /api/reports has no session or CSRF: wrong device tokens per address, and reports per token
    # (a phone's offline queue sends a few at once; a flood stops).
    REPORT_GUESS_LIMIT = os.environ.get("REPORT_GUESS_LIMIT", "20 per minute")
    REPORT_TOKEN_LIMIT = os.environ.get("REPORT_TOKEN_LIMIT", "60 per minute")
    # The tally: protocol photos (outside the web root, like incident photos); a station is flagged when its
    # turnout is this many points from its district's median, or when this many of its lines (each at least
    # the minimum value: small numbers coincide by chance) equal another station's.
    PROTOCOL_PHOTO_DIR = os.environ.get("PROTOCOL_PHOTO_DIR", str(BASE_DIR / "instance" / "protocol-photos"))
    TALLY_TURNOUT_POINTS = float(os.environ.get("TALLY_TURNOUT_POINTS", "15"))
    TALLY_IDENTICAL_LINES = int(os.environ.get("TALLY_IDENTICAL_LINES", "3"))
    TALLY_IDENTICAL_MIN_VALUE = int(os.environ.get("TALLY_IDENTICAL_MIN_VALUE", "10"))
    # Overrides of the question-bank rules (school/services/bank_rules.py, BankRules): none, the center's rules.
    CONTENT_RULES: dict = {}


class DevelopmentConfig(Config):
    # make run serves over plain http on localhost, so a Secure cookie would never come back.
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105  # nosec B105
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    COURSES_DIR = str(BASE_DIR / "tests" / "data" / "courses")
    QUIZZES_DIR = str(BASE_DIR / "tests" / "data" / "quizzes")
    # The sample banks are a few questions each: bank-wide rules are tested on their own fixtures.
    CONTENT_RULES = {"min_questions": 1, "min_per_topic": 1, "per_topic_sampling": False, "tells": False}


class ProductionConfig(Config):
    @classmethod
    def check(cls):
        """Refuse to run production with the development secret or with debug on."""
        if cls.SECRET_KEY == DEFAULT_SECRET or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of 32+ characters")
        if os.environ.get("FLASK_DEBUG", "").lower() in ("1", "true", "yes"):
            raise RuntimeError("FLASK_DEBUG must be off in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}
