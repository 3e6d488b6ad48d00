"""axe-core (through axe-playwright-python) with the WCAG 2.2 A and AA rules."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}

_axe = Axe()


def axe_violations(page) -> list[dict]:
    """The WCAG A/AA violations axe finds on the page as it is now."""
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl'].split('?')[0]}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    target {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    """No WCAG 2.2 A/AA violation on the page; if any, print and fail with each one's details."""
    violations = axe_violations(page)
    print(f"axe {name} ({page.url}): {len(violations)} violation(s)")
    if violations:
        report = describe(violations)
        print(report)
        pytest.fail(f"axe found {len(violations)} violation(s) on {name}:\n{report}", pytrace=False)
