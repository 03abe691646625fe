"""Top lines of a py-spy profile (`py-spy record -f raw`: one collapsed stack and its count per line).

Prints the functions with the largest share of samples: inclusive (the function or anything it
calls is running) and self (the function itself is on top of the stack). Line numbers are dropped,
so a function counts once per stack. Usage: .venv/bin/python bench/pyspy_top.py PROFILE.txt [N]
"""

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent) + "/"
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


def _name(frame: str) -> str:
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m["file"]
    for marker in ("site-packages/", "python3.11/", ROOT):
        path = path.split(marker, 1)[-1]
    return f"{m['func']} ({path})"


# Frames that every request runs through (threads, the worker loop): left out of the inclusive list.
PLUMBING = ("threading.py", "concurrent/futures/", "gunicorn/arbiter.py", "gunicorn/workers/base.py", "gunicorn/app/",
            "<module> (gunicorn")


def main(path: str, n: int = 25) -> None:
    inclusive, own, total = Counter(), Counter(), 0
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit() or not stack:
            continue
        frames = [_name(f) for f in stack.split(";") if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += int(count)
        for name in set(frames):
            if not any(p in name for p in PLUMBING):
                inclusive[name] += int(count)
        own[frames[-1]] += int(count)
    print(f"{total} samples (py-spy, every worker)")
    for title, counter, k in (("inclusive", inclusive, n), ("self", own, n // 2)):
        print(f"-- {title}")
        for name, count in counter.most_common(k):
            print(f"{100 * count / max(1, total):5.1f}%  {name}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
