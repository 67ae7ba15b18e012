"""What a cron run that finds nothing changed imports: none of the heavy libraries it cannot need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .regenerate_golden import build, copy_sample

# A fresh interpreter runs the build as the command line does, then says what it imported.
_NO_OP_BUILD = """
import json, sys
from feedwright.cli import main
code = main(["build", "-c", sys.argv[1]])
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""
HEAVY = {"markdown", "lxml", "nh3", "comrak", "text_unidecode"}


def test_a_build_with_nothing_changed_imports_no_markdown_lxml_or_nh3(tmp_path: Path) -> None:
    config = copy_sample(tmp_path / "site")
    build(config)
    result = subprocess.run(
        [sys.executable, "-c", _NO_OP_BUILD, str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary, report = result.stdout.strip().splitlines()
    assert " 0 files written" in summary, summary
    found = json.loads(report)
    assert found["exit"] == 0
    imported = sorted(name for name in found["modules"] if name.split(".")[0] in HEAVY)
    assert imported == [], f"a no-op build imported {imported}"
