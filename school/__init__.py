"""Observer School: the application factory."""

import os

from flask import Flask

from config import CONFIGS


def create_app(config_class=None):
    """Build the app: config, extensions, blueprints, errors, commands, security headers."""
    config_class = config_class or CONFIGS[os.environ.get("SCHOOL_ENV", "development")]
    if hasattr(config_class, "check"):
        config_class.check()
    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    app.config.from_object(config_class)
    from . import commands, errors, request_limits, requestlog, security, sessions, setup
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .certificates import bp as certificates_bp
    from .desk import bp as desk_bp
    from .health import bp as health_bp
    from .learn import bp as learn_bp
    from .playbook import bp as playbook_bp
    from .quiz import bp as quiz_bp
    from .readiness import bp as readiness_bp
    from .seminars import bp as seminars_bp
    from .tally import bp as tally_bp
    from .voting import bp as voting_bp

    requestlog.init_app(app)  # first, so that refused requests are tagged and logged too
    request_limits.init_app(app)  # before the extensions: CSRF and the rate limiter read the body
    setup.init_extensions(app)
    for bp in (auth_bp, learn_bp, quiz_bp, readiness_bp, seminars_bp, admin_bp, certificates_bp,
               playbook_bp, voting_bp, desk_bp, tally_bp, health_bp):
        app.register_blueprint(bp)
    errors.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    commands.init_app(app)
    return app
