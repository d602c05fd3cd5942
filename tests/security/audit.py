"""`make audit`: known vulnerabilities in the installed Python packages (pip-audit) and in the
front-end packages the server ships (npm audit --omit=dev).

Fails (exit 1) only on a known vulnerability for which a fixed version exists: that one can and
must be fixed by raising the pin (constraints.txt, package-lock.json). A vulnerability without a
fix is printed as a warning. When the advisory service cannot be reached (no network, or a
registry mirror without the audit endpoints, as on the project's build machines), the script says
so and does not fail: an audit that could not run proves nothing either way, and must not make an
offline CI red.

    .venv/bin/python -m tests.security.audit
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Verdict:
    """What one audit found: vulnerabilities with a fix (fail), without one (warn), or no audit."""

    tool: str
    fixable: list[str] = field(default_factory=list)
    unfixed: list[str] = field(default_factory=list)
    unavailable: str | None = None  # why the audit could not run
    audited: int = 0

    def report(self) -> str:
        if self.unavailable:
            return f"{self.tool}: NOT AUDITED, {self.unavailable}"
        lines = [f"{self.tool}: {self.audited} packages audited"]
        lines += [f"  VULNERABLE (fix available): {item}" for item in self.fixable]
        lines += [f"  warning (no fix yet): {item}" for item in self.unfixed]
        if not self.fixable and not self.unfixed:
            lines[0] += ", no known vulnerability"
        return "\n".join(lines)


def pip_verdict(document: dict[str, Any]) -> Verdict:
    """The verdict from ``pip-audit -f json`` output."""
    verdict = Verdict("pip-audit")
    dependencies = document.get("dependencies", [])
    audited = [d for d in dependencies if "vulns" in d]
    verdict.audited = len(audited)
    if dependencies and not audited:
        # pip-audit reports "No known vulnerabilities found" and exits 0 even when it could look
        # nothing up (a mirror answering 404 for every package): that is no audit at all.
        reason = dependencies[0].get("skip_reason", "no package could be looked up")
        verdict.unavailable = f"the advisory service could not be used ({reason})"
        return verdict
    for dependency in audited:
        for vuln in dependency["vulns"]:
            item = f"{dependency['name']} {dependency['version']}: {vuln['id']}"
            if vuln.get("fix_versions"):
                verdict.fixable.append(f"{item} (fixed in {', '.join(vuln['fix_versions'])})")
            else:
                verdict.unfixed.append(item)
    return verdict


def npm_verdict(document: dict[str, Any]) -> Verdict:
    """The verdict from ``npm audit --json`` output (npm 7 and later)."""
    verdict = Verdict("npm audit")
    if "error" in document or ("message" in document and "vulnerabilities" not in document):
        error = document.get("error") or {}
        summary = error.get("summary") if isinstance(error, dict) else None
        message = summary or document.get("message", "unknown error")
        verdict.unavailable = f"the advisory endpoint failed: {message}"
        return verdict
    verdict.audited = int(document.get("metadata", {}).get("dependencies", {}).get("total", 0))
    for name, vuln in sorted(document.get("vulnerabilities", {}).items()):
        item = f"{name} ({vuln.get('severity', '?')}, {vuln.get('range', '?')})"
        (verdict.fixable if vuln.get("fixAvailable") else verdict.unfixed).append(item)
    return verdict


def run_pip_audit() -> Verdict:
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--skip-editable",  # our own package: not on PyPI
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Verdict("pip-audit", unavailable=f"pip-audit did not run: {error}")
    try:
        return pip_verdict(json.loads(done.stdout))
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Verdict("pip-audit", unavailable=f"the advisory service could not be reached ({last})")


def run_npm_audit() -> Verdict:
    npm = shutil.which("npm")
    if npm is None:
        return Verdict("npm audit", unavailable="npm is not installed")
    command = [npm, "audit", "--omit=dev", "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Verdict("npm audit", unavailable=f"npm audit did not run: {error}")
    try:
        return npm_verdict(json.loads(done.stdout))
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Verdict("npm audit", unavailable=f"the advisory endpoint could not be reached ({last})")


def main() -> int:
    verdicts = [run_pip_audit(), run_npm_audit()]
    for verdict in verdicts:
        print(verdict.report())
    if any(v.unavailable for v in verdicts):
        print("NOTICE: part of the audit could not run (see above); this is not a failure.")
    return 1 if any(v.fixable for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
