"""`make mutation`: mutation testing of the modules that carry the project's guarantees.

Each module in `[[tool.civic311.mutation]]` (pyproject.toml) is mutated by mutmut with its
own fast selection of tests, in a copy of the work tree under `.local/mutation/` (mutmut 2
edits files in place: the work tree is never touched), against a test database and a cache
database of its own (so it can run beside the normal test suite). At the end a table of
surviving mutants per module is printed; each module's survivors are written, as diffs, to
`.local/mutation/<name>.survivors.txt`. Survivors listed under the module's `equivalent`
(the original line, the mutated line and why no test can tell them apart) are shown as
such; the command fails when more than 10% of a module's other mutants survive.

Most of a test run is spent importing libraries (numpy, scipy, Django, DRF...), not testing:
a small server imports them once per module and forks a fresh process for each mutant, which
then imports the project's code (the mutated file included) from disk. The server refuses to
start if what it imports in advance includes the module under mutation.

    python deploy/local/mutation.py                 # every module
    python deploy/local/mutation.py statuses rules  # modules whose path contains a word
    python deploy/local/mutation.py --table         # the last run's table again
"""

import contextlib
import json
import os
import select
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".local" / "mutation"
TREES = WORK / "trees"  # one copy per module: a pure-Python module may run beside another
VENV_BIN = Path(sys.executable).parent
LIMIT = 0.10  # the share of non-equivalent survivors a module may keep
CHILD_SECONDS = 300  # a forked test run that outlives this is killed (a mutant's endless loop)
STATUSES = {
    "ok_killed": "killed",
    "bad_survived": "survived",
    "bad_timeout": "timeout",
    "ok_suspicious": "suspicious",
    "skipped": "skipped",
    "untested": "untested",
}
# mutmut runs this for each mutant: ask the module's server for one test run, exit with its
# answer. mutmut counts only exit status 1 as a kill: every failure becomes 1.
CLIENT = (
    "import socket, sys\n"
    "s = socket.socket(socket.AF_UNIX)\n"
    "s.connect(sys.argv[1])\n"
    "s.sendall(b'run')\n"
    "sys.exit(0 if s.recv(1) == b'0' else 1)\n"
)


def _config() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    modules: list[dict[str, Any]] = config["tool"]["civic311"]["mutation"]
    return modules


def _modules(words: list[str]) -> list[dict[str, Any]]:
    return [m for m in _config() if not words or any(w in str(m["module"]) for w in words)]


def _copy_tree(tree: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    if tree.exists():
        shutil.rmtree(tree)
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = tree / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _environment(module: str) -> dict[str, str]:
    """The stack's URLs, with a database and a cache of the module's own: runs of two modules
    at once (and the normal test suite) do not clear each other's cache or rows."""
    env = dict(os.environ)
    number = [str(m["module"]) for m in _config()].index(module)
    database = env.get("DATABASE_URL", "")
    if database:
        env["DATABASE_URL"] = database.rsplit("/", 1)[0] + f"/civic311_mutation_{number}"
    redis = env.get("REDIS_URL", "")
    if redis:
        env["CACHE_URL"] = redis.rsplit("/", 1)[0] + f"/{4 + number}"  # 4 to 15
    env["CIVIC311_ENV"] = "test"
    # A mutant of the same size written within the second of the last run would otherwise be
    # read from a stale .pyc, and "survive" untested.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Forked test runs must not inherit a numerical library's thread pool (nor crowd a
    # shared machine).
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def _name(path: str) -> str:
    """A module's name for its files under .local/mutation/."""
    return path.replace("/", ".").removesuffix(".py")


def _import_name(path: str) -> str:
    return path.removeprefix("backend/").removesuffix(".py").replace("/", ".")


# --- the server: imports once, forks a test run per mutant ---


def _preload(names: list[str], mutated: str) -> None:
    sys.path[:0] = [str(Path.cwd() / "backend"), str(Path.cwd())]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")  # as pytest-django
    from importlib.metadata import entry_points

    # pytest and its plugins (hypothesis, schemathesis...) load on every run: first of all.
    plugins = [entry.value.split(":")[0] for entry in entry_points(group="pytest11")]
    for name in ["pytest", *plugins, *names]:
        if name == "django":  # the project's apps, as pytest-django would set them up
            import django
            from django.db import connections

            django.setup()
            connections.close_all()  # never share a database connection with forks
        else:
            __import__(name)
    if mutated in sys.modules:
        raise SystemExit(f"preloading {names} imports {mutated}: its mutants would not be seen")


def _test_run(args: list[str], log: Path) -> None:
    """In the forked child: run the tests once, never return."""
    code = 1
    try:
        signal.alarm(CHILD_SECONDS)
        with log.open("w") as out:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
        import pytest

        code = 0 if pytest.main(args) == 0 else 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _answer(connection: socket.socket, child: int) -> None:
    """Wait for the child; kill it if mutmut gave up on this mutant (its client is gone)."""
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            connection.sendall(b"0" if os.waitstatus_to_exitcode(status) == 0 else b"1")
            return
        readable, _, _ = select.select([connection], [], [], 0.05)
        if readable and not connection.recv(1, socket.MSG_PEEK):
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return


def _serve(path: str, mutated: str, preload: list[str], args: list[str], log: Path) -> None:
    _preload(preload, mutated)
    server = socket.socket(socket.AF_UNIX)
    server.bind(path + ".new")
    server.listen(4)
    os.rename(path + ".new", path)  # the socket appears only once the server is ready
    while True:
        connection, _ = server.accept()
        with connection:
            connection.recv(16)
            child = os.fork()
            if child == 0:
                server.close()
                connection.close()
                _test_run(args, log)
            _answer(connection, child)


def _start_server(module: dict[str, Any], env: dict[str, str], name: str) -> tuple[Any, str]:
    path = str(WORK / f"{name}.sock")
    Path(path).unlink(missing_ok=True)
    args = ["-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *shlex.split(module["tests"])]
    command = [
        "nice", "-n", "10", sys.executable, __file__, "--serve", path,
        _import_name(module["module"]), json.dumps(module.get("preload", [])), json.dumps(args),
        str(WORK / f"{name}.last-test-run.log"),
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=TREES / name, env=env, start_new_session=True)
    deadline = time.monotonic() + 600
    while not Path(path).exists():
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server)
            raise RuntimeError("the test server did not start")
        time.sleep(0.2)
    return server, path


# --- running mutmut ---


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


def _mutmut(path: str, runner: str, env: dict[str, str], tree: Path) -> int:
    mutmut = subprocess.Popen(
        [
            "nice", "-n", "10",
            str(VENV_BIN / "mutmut"), "run",
            "--paths-to-mutate", path,
            "--tests-dir", "tests/",
            "--runner", runner,
            "--test-time-base", "20",
            "--no-progress",
            "--simple-output",
        ],
        cwd=tree,
        env=env,
        start_new_session=True,  # its worker processes are stopped with it
    )  # fmt: skip
    try:
        return mutmut.wait()
    finally:
        _stop(mutmut)


def _stop(process: "subprocess.Popen[bytes]") -> None:
    """Stop a process this script started, and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # what it left behind (mutmut's worker)
        os.killpg(process.pid, signal.SIGKILL)


def _show(mutant: int, env: dict[str, str], tree: Path) -> str:
    return subprocess.run(
        [str(VENV_BIN / "mutmut"), "show", str(mutant)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout


def _run(module: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    path = str(module["module"])
    name = _name(path)
    tree = TREES / name
    _copy_tree(tree)
    cache = tree / ".mutmut-cache"
    started = time.monotonic()
    try:
        server, sock = _start_server(module, env, name)
    except RuntimeError as exc:
        return {"module": path, "error": str(exc)}
    try:
        runner = f"{VENV_BIN / 'python'} -S -c {shlex.quote(CLIENT)} {sock}"
        returncode = _mutmut(path, runner, env, tree)
    finally:
        _stop(server)
        Path(sock).unlink(missing_ok=True)
    if returncode & 1 or not cache.exists():  # 1: mutmut could not run (see above)
        return {"module": path, "error": "mutmut stopped: did the tests pass unmutated?"}
    counts, survivors = _counts(cache)
    shutil.copy2(cache, WORK / f"{name}.mutmut-cache")
    diffs = [_show(mutant, env, tree) for mutant in survivors]
    (WORK / f"{name}.survivors.txt").write_text("\n".join(diffs))
    return {
        "module": path,
        "seconds": round(time.monotonic() - started),
        **counts,
        "survivors": [_changed_lines(diff) for diff in diffs],
    }


# --- the table ---


def _changed_lines(diff: str) -> dict[str, str]:
    """The original and the mutated line of a mutant's diff, stripped."""
    lines = diff.splitlines()
    before = [x[1:].strip() for x in lines if x.startswith("-") and not x.startswith("---")]
    after = [x[1:].strip() for x in lines if x.startswith("+") and not x.startswith("+++")]
    return {"from": " / ".join(before), "to": " / ".join(after)}


def _equivalent(row: dict[str, Any], module: dict[str, Any]) -> list[tuple[dict[str, str], str]]:
    """The survivors the module's configuration explains, with the reason given."""
    found = []
    for survivor in row.get("survivors", []):
        for known in module.get("equivalent", []):
            if (known["from"].strip(), known["to"].strip()) == (survivor["from"], survivor["to"]):
                found.append((survivor, str(known["reason"])))
                break
    return found


def _line(row: dict[str, Any], module: dict[str, Any]) -> tuple[str, bool]:
    if "error" in row:
        return f"{row['module']:<40} {row['error']}", False
    total = sum(int(row[k]) for k in ("killed", "survived", "timeout", "suspicious"))
    killed = total - int(row["survived"])  # a timeout or a slow failure stops the mutant too
    equivalent = len(_equivalent(row, module))
    alive = int(row["survived"]) - equivalent
    share = alive / (total - equivalent) if total - equivalent else 0.0
    unfinished = int(row["untested"]) + int(row["skipped"])
    note = f"  ({unfinished} not run)" if unfinished else ""
    line = (
        f"{row['module']:<40} {total:>7} {killed:>6} {row['survived']:>8} {equivalent:>10} "
        f"{share:>9.1%}{note}"
    )
    return line, share <= LIMIT and not unfinished


def _table(results: list[dict[str, Any]]) -> tuple[str, bool]:
    """The table, and whether every module is within the limit."""
    config = {str(m["module"]): m for m in _config()}
    lines = [
        f"{'module':<40} {'mutants':>7} {'killed':>6} {'survived':>8} {'equivalent':>10} "
        f"{'survival':>9}",
    ]
    good = True
    notes = []
    for row in results:
        module = config.get(row["module"], {})
        line, within = _line(row, module)
        lines.append(line)
        good = good and within
        notes += [f"  {row['module']}: {s['from']}  ->  {s['to']}\n      {reason}"
                  for s, reason in _equivalent(row, module)]  # fmt: skip
    lines.append(
        f"survival: survivors not judged equivalent / mutants not judged equivalent "
        f"(limit {LIMIT:.0%}); killed includes timeouts"
    )
    if notes:
        lines += ["equivalent survivors (pyproject.toml, [[tool.civic311.mutation]]):", *notes]
    return "\n".join(lines), good


def _results() -> list[dict[str, Any]]:
    """Every configured module's last result, in the configuration's order."""
    rows = []
    for module in _config():
        result = WORK / f"{_name(str(module['module']))}.result.json"
        if result.exists():
            rows.append(json.loads(result.read_text()))
        else:
            rows.append({"module": module["module"], "error": "not run yet"})
    return rows


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        path, mutated, preload, args, log = sys.argv[2:7]
        _serve(path, mutated, json.loads(preload), json.loads(args), Path(log))
        return
    if sys.argv[1:] != ["--table"]:  # --table: the last results again
        # Stopped (Ctrl-C, kill): stop mutmut and the test server too, through `finally`.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        WORK.mkdir(parents=True, exist_ok=True)
        for chosen in _modules(sys.argv[1:]):
            # Read again: the configuration may have been edited while others ran.
            module = next((m for m in _config() if m["module"] == chosen["module"]), chosen)
            result = _run(module, _environment(str(module["module"])))
            name = _name(str(module["module"]))
            (WORK / f"{name}.result.json").write_text(json.dumps(result, indent=2))
    table, good = _table(_results())
    print(table)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
