"""Behind a real reverse proxy: gunicorn serves the app, a small HTTP proxy in front of it appends
the client's address to X-Forwarded-For (as nginx does), and clients connect from different
loopback addresses (127.0.0.N), as people in different places would."""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from config import BASE_DIR, TestConfig
from school import create_app
from school.extensions import db as _db
from school.extensions import limiter

from .conftest import PASSWORD, Factory

GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy(BaseHTTPRequestHandler):
    """Forwards every request to the upstream and appends the peer's address to X-Forwarded-For."""

    upstream = ("127.0.0.1", 0)

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        chain = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{chain}, {self.client_address[0]}" if chain else self.client_address[0]
        headers["X-Forwarded-Proto"] = "http"
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        conn.request(self.command, self.path, body=body, headers={**headers, "Host": self.headers["Host"]})
        reply = conn.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for key, value in reply.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = _forward

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def users_db(tmp_path_factory):
    """An SQLite file with 15 consultants (all with PASSWORD)."""
    path = tmp_path_factory.mktemp("proxy") / "proxy.db"
    saved = dict(limiter.__dict__)
    app = create_app(type("FileConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}))
    with app.app_context():
        _db.create_all()
        make = Factory(_db.session)
        logins = [make.user(login=f"room{i}").login for i in range(15)]
        _db.session.remove()
        _db.engine.dispose()
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
    return path, logins


def _serve(db_path, trusted: int):
    """gunicorn on one port and the proxy on another; returns (proxy port, stop)."""
    port = _free_port()
    env = {**os.environ, "SCHOOL_ENV": "development", "DATABASE_URL": f"sqlite:///{db_path}",
           "SECRET_KEY": "p" * 40, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "THREADS": "4",
           "TRUSTED_PROXIES": str(trusted), "LOGIN_ADDRESS_LIMIT": "3 per minute", "REDIS_URL": ""}
    env.pop("REDIS_URL")
    server = subprocess.Popen([str(GUNICORN), "-c", str(BASE_DIR / "gunicorn.conf.py"), "school:create_app()"],
                              cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    handler = type("Handler", (Proxy,), {"upstream": ("127.0.0.1", port)})
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()

    def stop():
        proxy.shutdown()
        proxy.server_close()
        server.terminate()
        server.wait(10)
    return proxy.server_address[1], stop


def _login(port, source: str, login: str, password: str, forged: str | None = None) -> int:
    """GET /login then POST it, from the given source address, through the proxy."""
    extra = {"X-Forwarded-For": forged} if forged else {}
    conn = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=30)
    conn.request("GET", "/login", headers=extra)
    page = conn.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    body = f"login={login}&password={password}&csrf_token={token}"
    conn.request("POST", "/login", body=body, headers={
        **extra, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.parametrize("trusted", [1, 0])
def test_logins_through_a_reverse_proxy(users_db, trusted):
    db_path, logins = users_db
    port, stop = _serve(db_path, trusted)
    try:
        # A training room: 12 people log in correctly, each from their own address.
        assert [_login(port, f"127.0.0.{10 + i}", logins[i], PASSWORD) for i in range(12)] == [302] * 12
        # Three failures from one client fill that address's bucket (the limit is 3 here)...
        assert [_login(port, "127.0.1.1", logins[12], "wrong") for _ in range(3)] == [401] * 3
        # ...a forged X-Forwarded-For does not get that client out of it...
        assert _login(port, "127.0.1.1", logins[13], "wrong", forged="198.51.100.1") == 429
        # ...and another client is not punished for it, when the proxy is trusted. Untrusted, every
        # client has the proxy's address, so they share one bucket: why TRUSTED_PROXIES exists.
        assert _login(port, "127.0.1.2", logins[14], "wrong") == (401 if trusted else 429)
    finally:
        stop()
