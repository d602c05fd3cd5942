"""The decisions of `make audit` (tests/security/audit.py) on the JSON the two tools print: fail on
a vulnerability with a fix, warn on one without, and say "not audited" (without failing) when the
advisory service could not be used."""

from __future__ import annotations

from tests.security.audit import npm_verdict, pip_verdict


def test_pip_audit_fails_only_on_a_fixable_vulnerability() -> None:
    document = {
        "dependencies": [
            {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-1", "fix_versions": ["3.1.3"]}]},
            {"name": "oldlib", "version": "1.0", "vulns": [{"id": "PYSEC-2", "fix_versions": []}]},
            {"name": "httpx", "version": "0.28.1", "vulns": []},
        ]
    }
    verdict = pip_verdict(document)
    assert verdict.fixable == ["jinja2 3.1.2: GHSA-1 (fixed in 3.1.3)"]
    assert verdict.unfixed == ["oldlib 1.0: PYSEC-2"]
    assert verdict.audited == 3 and verdict.unavailable is None
    assert "VULNERABLE (fix available): jinja2" in verdict.report()


def test_pip_audit_that_could_look_nothing_up_is_no_audit() -> None:
    # What a registry mirror without PyPI's JSON API gives: exit 0, "No known vulnerabilities".
    skipped = "Dependency not found on PyPI and could not be audited: anyio (4.16.0)"
    verdict = pip_verdict({"dependencies": [{"name": "anyio", "skip_reason": skipped}]})
    assert verdict.unavailable is not None and "could not be used" in verdict.unavailable
    assert not verdict.fixable and "NOT AUDITED" in verdict.report()


def test_npm_audit_verdicts() -> None:
    found = npm_verdict(
        {
            "vulnerabilities": {
                "d3-color": {"severity": "high", "range": "<3.1.0", "fixAvailable": True},
                "leftpad": {"severity": "low", "range": "*", "fixAvailable": False},
            },
            "metadata": {"dependencies": {"total": 12}},
        }
    )
    assert found.fixable == ["d3-color (high, <3.1.0)"] and found.unfixed == ["leftpad (low, *)"]
    clean = npm_verdict({"vulnerabilities": {}, "metadata": {"dependencies": {"total": 12}}})
    assert not clean.fixable and clean.audited == 12 and "no known vulnerability" in clean.report()
    # The answer of a registry that has no audit endpoint (seen on the build machines).
    offline = npm_verdict(
        {
            "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
            "error": {"summary": "", "detail": ""},
            "statusCode": 405,
        }
    )
    assert offline.unavailable is not None and "405" in offline.unavailable and not offline.fixable
