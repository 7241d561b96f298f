"""Files and folders the pipeline may not read, as an unprivileged user: recorded as PermissionDenied, the rest loads."""

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from faults_support import CORPUS, ROOT

pytestmark = pytest.mark.slow
CI_USER = "nianbao-ci"  # created by .ci/run when it runs as root


def unprivileged_user() -> str | None:
    """The user to drop to: ourselves when not root, else .ci/run's user, else nobody; None when none exists."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    for name in (CI_USER, "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def test_unreadable_file_and_folder_as_unprivileged_user():
    user = unprivileged_user()
    if user is None:
        pytest.skip("no unprivileged user to run as (run .ci/run as root to create one)")
    pw = pwd.getpwnam(user)
    base = Path(tempfile.mkdtemp(prefix="nianbao-perm-"))
    try:
        base.chmod(0o755)
        raw, home = base / "raw", base / "home"
        shutil.copytree(CORPUS, raw)
        for p in raw.iterdir():
            p.chmod(0o644)
        raw.chmod(0o755)
        secret = raw / "secret.txt"
        secret.write_bytes((raw / min(os.listdir(raw))).read_bytes() + b"\n")
        secret.chmod(0o000)
        locked = raw / "locked"
        locked.mkdir()
        (locked / "inside.txt").write_bytes(b"unknown to the pipeline")
        locked.chmod(0o000)
        home.mkdir()
        if os.geteuid() == 0:
            os.chown(home, pw.pw_uid, pw.pw_gid)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "DAGSTER_"))}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests" / "pipeline")])
        kw = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []} if os.geteuid() == 0 else {}
        out = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "faults" / "unprivileged_run.py"), str(home), str(raw)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            **kw,
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
        assert line, out.stderr[-3000:]
        got = json.loads(line[len("RESULT ") :])
        assert got["uid"] == pw.pw_uid != 0
        assert got["success"], got
        assert got["documents"][str(secret)] == "PermissionDenied"
        assert got["documents"][str(locked)] == "PermissionDenied"
        assert got["reports"] == 5  # every readable file loaded
        assert got["checks"]["raw/documents:nothing_lost"] is True
        assert sum(1 for k in got["documents"].values() if k == "ok") == 5
    finally:
        for p in (base / "raw" / "locked",):
            if p.exists():
                p.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
