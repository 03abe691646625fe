"""The ceiling: the smallest Flask app, served by bench/run.sh under the same gunicorn settings as the
school, so every row can be printed as a share of what this machine does for Flask at all."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
