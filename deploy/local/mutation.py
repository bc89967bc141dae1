"""`make mutation`: mutation testing of the modules that carry the project's guarantees.

Each module in `[[tool.civic311.mutation]]` (pyproject.toml) is mutated by mutmut with its
own fast selection of tests, in a copy of the work tree under `.local/mutation/` (mutmut 2
edits files in place: the work tree is never touched), against a test database and a cache
database of its own (so it can run beside the normal test suite). At the end a table of
surviving mutants per module is printed; each module's survivors are written, as diffs, to
`.local/mutation/<name>.survivors.txt`.

    python deploy/local/mutation.py                 # every module
    python deploy/local/mutation.py statuses rules  # modules whose path contains a word
    python deploy/local/mutation.py --table         # the last run's table again
"""

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".local" / "mutation"
TREE = WORK / "tree"
VENV_BIN = Path(sys.executable).parent
STATUSES = {
    "ok_killed": "killed",
    "bad_survived": "survived",
    "bad_timeout": "timeout",
    "ok_suspicious": "suspicious",
    "skipped": "skipped",
    "untested": "untested",
}


def _modules(words: list[str]) -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    modules: list[dict[str, object]] = config["tool"]["civic311"]["mutation"]
    return [m for m in modules if not words or any(w in str(m["module"]) for w in words)]


def _copy_tree() -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    if TREE.exists():
        shutil.rmtree(TREE)
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = TREE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _environment() -> dict[str, str]:
    """The stack's URLs, with a database and a cache of mutation's own."""
    env = dict(os.environ)
    database = env.get("DATABASE_URL", "")
    if database:
        env["DATABASE_URL"] = database.rsplit("/", 1)[0] + "/civic311_mutation"
    redis = env.get("REDIS_URL", "")
    if redis:
        env["CACHE_URL"] = redis.rsplit("/", 1)[0] + "/5"
    env["CIVIC311_ENV"] = "test"
    # A mutant of the same size written within the second of the last run would otherwise be
    # read from a stale .pyc, and "survive" untested.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _counts(cache: Path) -> tuple[dict[str, int], list[int]]:
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT id, status FROM Mutant").fetchall()
    counts = dict.fromkeys(STATUSES.values(), 0)
    survivors = []
    for mutant_id, status in rows:
        counts[STATUSES.get(status, status)] = counts.get(STATUSES.get(status, status), 0) + 1
        if status == "bad_survived":
            survivors.append(int(mutant_id))
    return counts, survivors


def _run(module: dict[str, object], env: dict[str, str]) -> dict[str, Any]:
    path = str(module["module"])
    tests = str(module["tests"])
    # mutmut 2 counts only exit status 1 as a kill; pytest's 2 (a mutant that breaks the
    # import, say) would pass for a survivor: every failure becomes 1.
    entry = "import sys, pytest; sys.exit(1 if pytest.main(sys.argv[1:]) else 0)"
    runner = (
        f"{VENV_BIN / 'python'} -c {shlex.quote(entry)} "
        f"-x -q -p no:cacheprovider -o addopts='' {tests}"
    )
    cache = TREE / ".mutmut-cache"
    cache.unlink(missing_ok=True)
    for compiled in TREE.rglob("__pycache__"):
        shutil.rmtree(compiled)
    started = time.monotonic()
    run = subprocess.run(
        [
            "nice", "-n", "19",
            str(VENV_BIN / "mutmut"), "run",
            "--paths-to-mutate", path,
            "--tests-dir", "tests/",
            "--runner", runner,
            "--test-time-base", "20",
            "--no-progress",
            "--simple-output",
        ],
        cwd=TREE,
        env=env,
        check=False,
    )  # fmt: skip
    if run.returncode & 1 or not cache.exists():  # 1: mutmut could not run (see above)
        return {"module": path, "error": "the tests did not pass without mutations"}
    counts, survivors = _counts(cache)
    name = path.replace("/", ".").removesuffix(".py")
    shutil.copy2(cache, WORK / f"{name}.mutmut-cache")
    diffs = [
        subprocess.run(
            [str(VENV_BIN / "mutmut"), "show", str(mutant)],
            cwd=TREE,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for mutant in survivors
    ]
    (WORK / f"{name}.survivors.txt").write_text("\n".join(diffs))
    return {"module": path, "seconds": round(time.monotonic() - started), **counts}


def _table(results: list[dict[str, Any]]) -> str:
    lines = [
        f"{'module':<42} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} "
        f"{'survival':>8}"
    ]
    for row in results:
        if "error" in row:
            lines.append(f"{row['module']:<42} {row['error']}")
            continue
        total = sum(int(row[k]) for k in ("killed", "survived", "timeout", "suspicious"))
        share = int(row["survived"]) / total if total else 0.0
        killed = int(row["killed"]) + int(row["suspicious"])  # suspicious: killed, slowly
        lines.append(
            f"{row['module']:<42} {total:>7} {killed:>6} {row['survived']:>8} "
            f"{row['timeout']:>7} {share:>8.0%}"
        )
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:] == ["--table"]:  # the last run's table again
        print(_table(json.loads((WORK / "summary.json").read_text())))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    _copy_tree()
    env = _environment()
    summary = WORK / "summary.json"
    known = {r["module"]: r for r in json.loads(summary.read_text())} if summary.exists() else {}
    for module in _modules(sys.argv[1:]):
        result = _run(module, env)
        known[result["module"]] = result
        summary.write_text(json.dumps(list(known.values()), indent=2))  # kept after each one
    print(_table(list(known.values())))


if __name__ == "__main__":
    main()
