"""Backup and point-in-time restore, with the commands of deploy/README.md's runbook: a base
backup (pg_basebackup), WAL archived by the primary's archive_command, and a restore of the
base backup into a fresh cluster that replays the archive up to a chosen time."""

from pathlib import Path

from tests.cluster.database import USER, PostgresNode
from tests.cluster.nodes import PG_BIN, Processes, give_to_postgres, run, wait_until


def base_backup(primary: PostgresNode, target: Path) -> None:
    target.mkdir(mode=0o700)
    give_to_postgres(target)
    run(
        [
            *(str(PG_BIN / "pg_basebackup"), "-D", str(target), "-X", "stream"),
            *("--checkpoint=fast", "-h", primary.host, "-p", str(primary.port), "-U", USER),
        ],
        as_postgres=True,
        password=primary.password,
    )


def archive_current_wal(primary: PostgresNode, archive: Path) -> str:
    """Close the current WAL segment and wait until the archive has it; its name."""
    (segment,) = primary.sql("SELECT pg_walfile_name(pg_switch_wal())")[0]
    wait_until(f"{segment} archived", lambda: (archive / str(segment)).exists(), 120)
    return str(segment)


def restore_until(
    processes: Processes, root: Path, *, base: Path, archive: Path, until: str, password: str
) -> PostgresNode:
    """A new cluster from the base backup, replaying archived WAL up to `until`, then open."""
    node = PostgresNode(processes, root, "restored", password)
    node.data.mkdir(mode=0o700)
    give_to_postgres(node.data)
    run(["cp", "-a", f"{base}/.", str(node.data)], as_postgres=True)
    with (node.data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"restore_command = 'cp {archive}/%f %p'\n"
            f"recovery_target_time = '{until}'\n"
            "recovery_target_action = 'promote'\n"
            "archive_mode = off\n"
        )
    (node.data / "recovery.signal").touch()
    give_to_postgres(node.data / "recovery.signal")
    node.start()
    wait_until(
        "the restore reaches its target and opens",
        lambda: node.sql("SELECT pg_is_in_recovery()") == [(False,)],
        300,
        0.5,
    )
    return node
