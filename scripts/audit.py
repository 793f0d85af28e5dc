"""`make audit`: known vulnerabilities of the packages installed in the virtualenv (pip-audit).

Exit 1 when a package has a known vulnerability that is not listed in JUSTIFIED (each entry there is
explained in README.md, "Security"). When the vulnerability data cannot be reached (no network, or
a package mirror without PyPI's JSON API, where every package comes back "not found"), say so and
exit 0: an audit that could not run must not fail a build, but it must not pass for clean either."""
import json
import os
import subprocess
import sys
from pathlib import Path

# Vulnerability id -> why it does not apply to wagecase (README "Security" says the same). Empty: none.
JUSTIFIED = {}

SERVICES = [s for s in os.environ.get("AUDIT_SERVICES", "pypi,osv").split(",") if s]
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def audit(service):
    """(report dict or None, error text)."""
    command = [str(PIP_AUDIT), "--progress-spinner", "off", "--format", "json", "--skip-editable",
               "--vulnerability-service", service, "--timeout", "30"]
    for vuln_id in JUSTIFIED:
        command += ["--ignore-vuln", vuln_id]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    try:
        return json.loads(done.stdout), ""
    except ValueError:
        last = [line for line in done.stderr.strip().splitlines() if line.strip()][-1:]
        return None, (last[0] if last else f"pip-audit exited {done.returncode}")


def main():
    if not PIP_AUDIT.exists():
        sys.exit(f"{PIP_AUDIT} is missing: `make audit` installs it (the `audit` extra of pyproject.toml).")
    problems = []
    for service in SERVICES:
        report, error = audit(service)
        if report is None:
            problems.append(f"{service}: {error}")
            continue
        dependencies = report.get("dependencies", [])
        audited = [d for d in dependencies if "skip_reason" not in d]
        skipped = [d for d in dependencies if "skip_reason" in d]
        if not audited:
            problems.append(f"{service}: none of the {len(dependencies)} packages could be looked up "
                            f"({skipped[0]['skip_reason'] if skipped else 'no packages'})")
            continue
        found = [(d, v) for d in audited for v in d.get("vulns", [])]
        print(f"pip-audit ({service}): {len(audited)} packages audited, {len(skipped)} skipped, "
              f"{len(found)} known vulnerabilities" + (f" ({len(JUSTIFIED)} justified ones ignored)" if JUSTIFIED else ""))
        for d in skipped:
            print(f"  skipped {d['name']}: {d['skip_reason']}")
        for d, v in found:
            fixes = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
            aliases = ", ".join(v.get("aliases") or [])
            print(f"  {d['name']} {d['version']}: {v['id']}{f' ({aliases})' if aliases else ''}; fixed in: {fixes}")
        if found:
            print("Upgrade the pin in pyproject.toml, or justify the finding in README.md (Security) and "
                  "scripts/audit.py (JUSTIFIED).")
            return 1
        return 0
    print("WARNING: the audit could not run, the vulnerability data was not reachable:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print("WARNING: not a clean result; run `make audit` where pypi.org or api.osv.dev can be reached.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
