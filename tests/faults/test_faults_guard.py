"""The run lock: one run per NIANBAO_HOME; a second waits or refuses naming the holder; a dead holder frees it."""

import os
import signal
import subprocess
import sys
import time

import pytest
from faults_support import ROOT

from orchestration import guard

HOLD = "from orchestration import guard; import time\nwith guard.run_lock():\n    print('held', flush=True)\n    time.sleep(60)"


@pytest.fixture
def holder(tmp_path, monkeypatch):
    """Another process holding the lock of tmp_path's home."""
    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path))
    monkeypatch.delenv("NIANBAO_RUN_LOCK_FD", raising=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def test_a_second_run_refuses_clearly_or_waits(holder, tmp_path):
    with pytest.raises(guard.RunRefused, match=f"pid {holder.pid}"), guard.run_lock(wait=False):
        pass
    t0 = time.monotonic()
    os.kill(holder.pid, signal.SIGKILL)  # the holder dies (kill -9): its lock goes with it
    with guard.run_lock(wait=True) as fd:
        assert fd >= 0 and guard.holder(tmp_path / ".run.lock") == str(os.getpid())
        with guard.run_lock() as again:  # re-entrant within one process (the run_lock resource inside make run)
            assert again == -1
    assert time.monotonic() - t0 < 5


def test_the_fd_inherited_from_make_run_is_reused(tmp_path, monkeypatch):
    """make run's child runs under its supervisor's lock (an inherited fd), not against it."""
    monkeypatch.setenv("NIANBAO_HOME", str(tmp_path))
    monkeypatch.delenv("NIANBAO_RUN_LOCK_FD", raising=False)
    with guard.run_lock() as fd:
        code = "from orchestration import guard\nwith guard.run_lock(wait=False) as fd:\n    print('child ran')"
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            pass_fds=(fd,),
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_RUN_LOCK_FD": str(fd)},
            check=False,
        )
        assert out.stdout.strip() == "child ran", out.stderr[-2000:]
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert "RunRefused" in out.stderr  # without it, a second process is refused
