"""The Nu HTML Checker (npm package vnu-jar, run with Java) over a built site."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class NuMissing(Exception):
    """The checker cannot run here; the message says how to install it."""


@dataclass(frozen=True)
class NuMessage:
    file: str
    """Path under the checked folder."""
    line: int | None
    kind: str
    """error, warning or info, as the checker reports it (a fatal error is an error)."""
    message: str
    extract: str

    def __str__(self) -> str:
        extract = " ".join(self.extract.split())[:120]
        return f"{self.file}:{self.line}: {self.kind}: {self.message} [{extract}]"


def nu_command() -> list[str]:
    """How to run the checker; NuMissing says what to install when it cannot."""
    if not VNU_JAR.is_file():
        raise NuMissing(f"the Nu HTML Checker is not installed ({VNU_JAR.relative_to(REPO)} is missing): "
                        "run `make node_modules` (npm ci, from package.json and package-lock.json)")
    java = shutil.which("java")
    if java is None:
        raise NuMissing("Java is not installed: the Nu HTML Checker (vnu.jar) needs a Java 11+ runtime "
                        "(Debian: apt-get install default-jre-headless)")
    return [java, "-Xss4m", "-jar", str(VNU_JAR)]


def nu_check(folder: Path) -> tuple[list[NuMessage], set[str]]:
    """Every message of the checker about every HTML file under ``folder``, and the files it checked."""
    run = subprocess.run([*nu_command(), "--format", "json", "--verbose", "--skip-non-html", str(folder)],
                         capture_output=True, text=True, timeout=600)
    # vnu lists the files it checks on stdout (--verbose), prints the JSON report on stderr and exits 1
    # when it found errors.
    try:
        report = json.loads(run.stderr or run.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"the Nu HTML Checker failed (exit {run.returncode}): {run.stderr[-2000:]}") from None
    out = []
    root = folder.resolve().as_posix().rstrip("/") + "/"
    for m in report.get("messages", []):
        kind = m.get("type", "error")
        if kind == "info" and m.get("subType") == "warning":
            kind = "warning"
        elif kind == "non-document-error":
            kind = "error"
        path = re.sub(r"^file:(//)?", "", m.get("url", ""))
        out.append(NuMessage(path[len(root):] if path.startswith(root) else path,
                             m.get("lastLine"), kind, m.get("message", ""), m.get("extract", "")))
    checked = {line[len(root):] for line in run.stdout.splitlines() if line.startswith(root)}
    return out, checked


def unexpected(messages: list[NuMessage], allowed: list[tuple[str, str, str]]) -> list[NuMessage]:
    """The errors left after the ``allowed`` ones: (file pattern, message pattern, reason) regexes."""
    return [m for m in messages if m.kind == "error"
            and not any(re.search(f, m.file) and re.search(p, m.message) for f, p, _ in allowed)]
