"""The deadline rush for `make bench-load`: every consultant of a prepared pool (signed in beforehand,
bench/pools.py) opens the same quiz, starts it, answers every question with one autosave POST each
(with the tab token and CSRF token from their own attempt page), and submits.

Users are spawned over about a minute (locust -r), each runs the scenario once; the run ends when all
are done. Every answer the server acknowledged (listed in the save's JSON `saved`) is written to
BENCH_LOAD_ACKS with the fields that were posted, for bench/load/check.py to compare with the database.
Locust's own CPU time goes to BENCH_LOAD_CPU: on 2 cores the load generator competes with the server.

Environment: BENCH_LOAD_USERS (the pool's JSON), BENCH_LOAD_ACKS, BENCH_LOAD_CPU,
BENCH_LOAD_THINK ("3-9": seconds between two answers, uniform).
"""

import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

import gevent
import psutil
from locust import FastHttpUser, events, task
from locust.exception import StopUser

POOL = json.loads(open(os.environ["BENCH_LOAD_USERS"], encoding="utf-8").read())
LOW, HIGH = (float(x) for x in os.environ.get("BENCH_LOAD_THINK", "3-9").split("-"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TAB = re.compile(r'name="tab" value="([^"]+)"')
ACKS: list[dict] = []
NEXT = itertools.count()
DONE = itertools.count(1)
CPU = {"process": psutil.Process()}


class QuizForm(HTMLParser):
    """The questions of an attempt page: per position, the fields a person could fill in."""

    def __init__(self):
        super().__init__()
        self.questions: dict[int, dict] = {}
        self.pos = self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "fieldset" and "data-pos" in a:
            self.pos = int(a["data-pos"])
            self.questions[self.pos] = {"choice": {}, "text": [], "select": {}}
        elif self.pos is None:
            return
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            self.questions[self.pos]["choice"].setdefault((a["name"], a["type"]), []).append(a["value"])
        elif tag == "input" and a.get("name", "").startswith("q"):
            self.questions[self.pos]["text"].append(a["name"])
        elif tag == "select":
            self.select = a["name"]
            self.questions[self.pos]["select"][self.select] = []
        elif tag == "option" and self.select and a.get("value"):
            self.questions[self.pos]["select"][self.select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "fieldset":
            self.pos = None


def answer(pos: int, q: dict) -> list[tuple[str, str]]:
    """A plausible answer in the question's own fields (the person guesses; only the shape matters)."""
    fields = [("_q", str(pos))]
    for (name, kind), values in q["choice"].items():
        chosen = random.sample(values, random.randint(1, min(2, len(values)))) if kind == "checkbox" else \
            [random.choice(values)]
        fields += [(name, v) for v in chosen]
    fields += [(name, str(random.randint(1, 20))) for name in q["text"]]
    selects = q["select"]
    places = list(range(1, len(selects) + 1))
    random.shuffle(places)
    numbered = all(v.isdigit() for values in selects.values() for v in values)
    for (name, values), place in zip(selects.items(), places, strict=True):
        fields.append((name, str(place) if numbered else random.choice(values)))  # order: one place each
    return fields


class Consultant(FastHttpUser):
    def on_start(self):
        n = next(NEXT)
        if n >= len(POOL["users"]):
            raise StopUser()
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(Cookie(0, "session", POOL["users"][n]["cookie"], None, False, host, False,
                                                False, "/", True, False, None, False, None, None, {}))

    def think(self):
        gevent.sleep(random.uniform(LOW, HIGH))

    @task
    def take_the_quiz(self):
        """Once per consultant; whatever happens, this user then stops (and the last one ends the run)."""
        try:
            self.rush(POOL["quiz"])
        except StopUser:
            pass  # its failure is already counted
        except Exception as exc:  # noqa: BLE001  # a page that breaks the scenario is a failure too, never hidden
            self.environment.events.request.fire(request_type="TASK", name="scenario", response_time=0,
                                                 response_length=0, exception=exc, context={})
        finally:
            if next(DONE) == len(POOL["users"]):
                gevent.spawn_later(1, self.environment.runner.quit)
        raise StopUser()

    def post(self, path, fields, name, **kwargs):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.client.post(path, data=urlencode(fields), headers=headers, name=name, catch_response=True,
                                **kwargs)

    def rush(self, quiz):
        with self.client.get(f"/quizzes/{quiz}", name="quiz overview", catch_response=True) as overview:
            token = CSRF.search(overview.text or "")
            if not token:
                overview.failure(f"no start form ({overview.status_code})")
                raise StopUser()
        with self.post(f"/quizzes/{quiz}/start", [("csrf_token", token.group(1))], "start",
                       allow_redirects=False) as started:
            location = started.headers.get("Location", "")
            if started.status_code != 302 or "/attempts/" not in location:
                started.failure(f"start answered {started.status_code} {location}")
                raise StopUser()
        attempt = urlsplit(location).path
        with self.client.get(attempt, name="quiz page", catch_response=True) as page:
            tab, token, form = TAB.search(page.text or ""), CSRF.search(page.text or ""), QuizForm()
            form.feed(page.text or "")
            if not (tab and token and form.questions):
                page.failure(f"no quiz form ({page.status_code})")
                raise StopUser()
        tab, token = tab.group(1), token.group(1)
        everything = []
        for pos, q in sorted(form.questions.items()):
            self.think()
            fields = answer(pos, q)
            everything += fields
            self.save(attempt, pos, fields, [("csrf_token", token), ("tab", tab)])
        self.think()
        with self.post(f"{attempt}/submit", [("csrf_token", token), ("tab", tab), *everything, ("confirm", "1")],
                       "submit", allow_redirects=False) as submitted:
            if submitted.status_code != 302:
                submitted.failure(f"submit answered {submitted.status_code}")
        with self.client.get(attempt, name="result page", catch_response=True) as result:
            if "Результат:" not in (result.text or ""):
                result.failure(f"not a result ({result.status_code})")

    def save(self, attempt, pos, fields, auth):
        with self.post(f"{attempt}/save", [*auth, *fields], "save", headers={"Accept": "application/json"}) as saved:
            try:
                body = saved.json()
            except (ValueError, TypeError):
                saved.failure(f"save answered {saved.status_code}, not JSON")
                return
            if pos in body.get("saved", []):
                ACKS.append({"attempt": int(attempt.rsplit("/", 1)[1]), "pos": pos, "fields": fields})
            else:
                saved.failure(f"question {pos} not saved: {body}")


@events.test_start.add_listener
def _started(**_):
    CPU["start"], CPU["cpu"] = time.monotonic(), sum(CPU["process"].cpu_times()[:2])


@events.quitting.add_listener
def _quitting(environment, **_):
    wall = time.monotonic() - CPU.get("start", time.monotonic())
    cpu = sum(CPU["process"].cpu_times()[:2]) - CPU.get("cpu", 0)
    with open(os.environ["BENCH_LOAD_CPU"], "w", encoding="utf-8") as f:
        json.dump({"wall": wall, "cpu": cpu, "cores": psutil.cpu_count()}, f)
    with open(os.environ["BENCH_LOAD_ACKS"], "w", encoding="utf-8") as f:
        for ack in ACKS:
            f.write(json.dumps(ack) + "\n")
