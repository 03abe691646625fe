"""The CLI: `flask --app school <command>`. Each command's docstring is its --help."""

# quiz_stats adds `quizzes stats` to the quizzes group as it is imported.
from . import core, ops, qualification, quiz_stats, quizzes  # noqa: F401


def init_app(app):
    for command in (*core.COMMANDS, *ops.COMMANDS, quizzes.quizzes, qualification.qualification):
        app.cli.add_command(command)
