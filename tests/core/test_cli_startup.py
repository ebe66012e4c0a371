"""``neurips25 list`` and ``neurips25 --help`` must not load the heavy libraries.

Every study's package (for ``list``) and ``cli`` module (for the parser) is imported on
start-up, so one eager ``import torch`` anywhere there costs every command a second or more.
Checked in a fresh interpreter: this test process has long since imported torch.
"""
import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "sklearn", "sentence_transformers", "matplotlib")

_PROBE = f"""
import contextlib, io, json, sys
from neurips25.cli import build_parser, main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["list"])
help_text = build_parser().format_help()
print(json.dumps({{"code": code, "help": help_text,
                  "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def test_list_and_help_do_not_import_heavy_libraries():
    proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "reproduce" in report["help"]
    assert report["loaded"] == [], f"neurips25 list / --help imported {report['loaded']}"
