"""What every browser test shares: Debian's Chromium, its flags, axe-core from npm, the markers."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = bool(os.environ.get("CI"))
# No sandbox (root in containers); no background traffic: the network is closed.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

# Marks of every browser test module; in CI a missing Chromium is a failure, never a skip.
MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not IN_CI, reason="no Chromium at /usr/bin/chromium"),
]


def inject_axe(tab) -> None:
    """axe-core into the page, evaluated by the browser's devtools: the pages' Content-Security-Policy
    refuses inline scripts, which is what add_script_tag would add."""
    tab.evaluate(AXE.read_text())


def axe_violations(tab) -> list[dict]:
    """What axe-core finds wrong on the page shown (a missing axe-core fails in CI, skips elsewhere)."""
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"{AXE} is missing: run npm ci")
        pytest.skip("axe-core is not installed (npm ci)")
    inject_axe(tab)
    return tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]


def assert_accessible(tab) -> None:
    """No axe-core violation on the page shown, each one listed with where it is when there are some."""
    import json

    violations = axe_violations(tab)
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"    at {json.dumps(node['target'])}" for node in v["nodes"][:5])
    assert not violations, f"axe-core found problems on {tab.url}:\n" + "\n".join(lines)


def overflows(tab) -> bool:
    """Wider than the window: the page scrolls sideways."""
    return tab.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
