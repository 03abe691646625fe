"""The CLI: `flask --app school <command>`. Each command's docstring is its --help."""

from . import core, ops, qualification, quizzes


def init_app(app):
    for command in (*core.COMMANDS, *ops.COMMANDS, quizzes.quizzes, qualification.qualification):
        app.cli.add_command(command)
