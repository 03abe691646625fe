"""The CLI: `flask --app school <command>`. Each command's docstring is its --help."""

from . import core, ops, quizzes


def init_app(app):
    for command in (*core.COMMANDS, *ops.COMMANDS, quizzes.quizzes):
        app.cli.add_command(command)
