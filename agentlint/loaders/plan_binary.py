"""Binary plan files (`terraform plan -out tfplan`, `tofu plan -out tfplan`): recognise them, and, only when asked
(`--terraform-show`), turn one into plan JSON by running `<terraform> show -json <planfile>`.

A binary plan is a zip archive whose entries include `tfplan` (with `tfstate`, `tfconfig/...`); it is recognised by
content, whatever its name. A zip that is not a plan (a Lambda package) is not one.

Running `terraform show` is opt-in because it starts the provider plugins installed in the plan's working
directory (`.terraform/providers`), and in a pull request that directory is whatever the pull request made it.
Without `--terraform-show` agentlint starts no process for a binary plan: it reports it (kind `binary-plan`) with the
command that makes the JSON. With it: one process per plan, no shell (an argument list), stdin closed, a timeout,
a bound on the output size, the plan's folder as working directory, the environment as it is; never `init`,
`plan` or `apply`.
"""

from __future__ import annotations

import os
import re
import stat
from typing import Optional

from agentlint.loaders.plan import PlanError

ZIP_MAGIC = b"PK\x03\x04"
PLAN_ENTRY = "tfplan"
SHOW_TIMEOUT_SECONDS = 300
STDERR_KEEP_BYTES = 64_000
_CHUNK = 1 << 20


def is_binary_plan(path: str) -> bool:
    """A zip archive with a `tfplan` entry (Terraform and OpenTofu plan files). Reads 4 bytes of other files; never
    blocks on a named pipe or a device (opened non-blocking, regular files only)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or os.read(fd, 4) != ZIP_MAGIC:
            return False
        import zipfile  # only for zip files: a scan without them does not pay for the import

        with os.fdopen(os.dup(fd), "rb") as fh, zipfile.ZipFile(fh) as archive:  # the central directory only
            return PLAN_ENTRY in archive.namelist()
    except Exception:  # noqa: BLE001 - unreadable or damaged (BadZipFile, OSError, ...): not a plan
        return False
    finally:
        os.close(fd)


def json_command(path: str) -> str:
    name = os.path.basename(path)
    return f"terraform show -json {name} > {name}.json"


def binary_plan_message(path: str) -> str:
    return (f"binary plan file (`terraform plan -out`); agentlint reads plan JSON: run `{json_command(path)}` "
            f"(or `tofu show -json`) in its folder and scan the JSON, or scan with --terraform-show to let "
            f"agentlint run it")


def find_terraform(explicit: Optional[str] = None) -> Optional[str]:
    """The executable to run, as an absolute path: `explicit` (a path, or a name looked up on PATH), else
    `terraform` on PATH, else `tofu` on PATH."""
    import shutil

    if explicit:
        if os.sep in explicit or (os.altsep and os.altsep in explicit):
            full = os.path.abspath(explicit)
            return full if os.path.isfile(full) and os.access(full, os.X_OK) else None
        found = shutil.which(explicit)
        return os.path.abspath(found) if found else None
    for name in ("terraform", "tofu"):
        found = shutil.which(name)
        if found:
            return os.path.abspath(found)
    return None


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _reason(stderr: bytes) -> str:
    """The first `Error: ...` line of terraform's stderr (box drawing and colours removed), else its first line."""
    lines = [_ANSI.sub("", line).strip(" \t│╷╵") for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    for line in lines:
        if line.startswith("Error:"):
            return line[:300]
    return lines[0][:300] if lines else "no message"


def show_json(binary: str, plan_path: str, max_bytes: int, timeout: float = SHOW_TIMEOUT_SECONDS) -> str:
    """Run `<binary> show -json <plan_path>` (absolute paths) in the plan's folder; the JSON text, or PlanError
    (kind `terraform-show`, or `limit` when the output is over `max_bytes`)."""
    import signal
    import subprocess
    import threading

    plan_path = os.path.abspath(plan_path)
    argv = [binary, "show", "-json", plan_path]
    shown = f"{os.path.basename(binary)} show -json {os.path.basename(plan_path)}"
    try:
        proc = subprocess.Popen(argv, cwd=os.path.dirname(plan_path), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, shell=False,
                                start_new_session=True)
    except OSError as exc:
        raise PlanError(f"cannot run `{shown}`: {exc.strerror or exc.__class__.__name__}", "terraform-show") from None
    stopped: list[str] = []

    def stop(why: str) -> None:
        stopped.append(why)
        try:
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, signal.SIGKILL)  # terraform and the provider plugins it started
            else:  # pragma: no cover - Windows
                proc.kill()
        except OSError:
            pass

    err = bytearray()

    def drain_stderr() -> None:
        for chunk in iter(lambda: proc.stderr.read(8192), b""):
            if len(err) < STDERR_KEEP_BYTES:
                err.extend(chunk[: STDERR_KEEP_BYTES - len(err)])

    reader = threading.Thread(target=drain_stderr, daemon=True)
    reader.start()
    timer = threading.Timer(timeout, stop, args=("timeout",))
    timer.daemon = True
    timer.start()
    out = bytearray()
    try:
        for chunk in iter(lambda: proc.stdout.read(_CHUNK), b""):
            out.extend(chunk)
            if len(out) > max_bytes:
                stop("limit")
                break
        proc.wait()
    finally:
        timer.cancel()
        proc.stdout.close()
        reader.join(5)
    if "limit" in stopped:
        raise PlanError(f"`{shown}` printed more than {max_bytes:,} bytes (limit max-plan-bytes); stopped", "limit")
    if "timeout" in stopped:
        raise PlanError(f"`{shown}` did not finish within {timeout:g} s; stopped", "terraform-show")
    if proc.returncode != 0:
        raise PlanError(f"`{shown}` failed (exit {proc.returncode}): {_reason(bytes(err))}", "terraform-show")
    try:
        return bytes(out).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(f"`{shown}` printed invalid UTF-8 at byte {exc.start}", "terraform-show") from None
