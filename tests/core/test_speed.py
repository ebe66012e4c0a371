"""The machine's reference seconds: measured (more work takes longer), recorded by
reproduce, shown by the report, and never a reason for a report to fail."""
import json

import torch

from neurips25.common.io import atomic_write_json
from neurips25.common.speed import MACHINE_FILE, read_machine, record_machine, reference_seconds
from neurips25.report import build_report


def test_reference_seconds_measure_the_work_and_leave_threads_alone():
    before = torch.get_num_threads()
    small, large = reference_seconds(scale=0.25), reference_seconds(scale=1.0)
    assert torch.get_num_threads() == before
    for key in ("matmul_s", "python_s"):
        assert 0 < small[key] and 0 < large[key] < 60
        assert large[key] > 1.5 * small[key], (key, small, large)  # 4x the work
    assert large["threads"] == 1 and large["version"] >= 1


def _result(study="toy"):
    return {"schema_version": 1, "study": study, "title": "Toy", "arxiv": "1", "finding": "x",
            "preset": "quick", "seed": 0, "config": {}, "status": "ok", "error": None,
            "wall_seconds": 1.0, "cpu_seconds": 1.0, "versions": {}, "git_commit": None,
            "metrics": {}, "claims": [], "figures": []}


def test_report_shows_the_machine_line_only_when_recorded(tmp_path):
    atomic_write_json(tmp_path / "toy" / "result.json", _result())
    build_report(tmp_path, quiet=True)
    assert "Machine:" not in (tmp_path / "summary.md").read_text()
    info = record_machine(tmp_path)
    assert json.loads((tmp_path / MACHINE_FILE).read_text()) == info
    html = build_report(tmp_path, quiet=True).read_text()
    line = next(ln for ln in (tmp_path / "summary.md").read_text().splitlines()
                if ln.startswith("Machine:"))
    assert f"matmul {info['reference']['matmul_s']:.3f} s" in line and "Machine:" in html


def test_a_malformed_machine_file_is_ignored(tmp_path):
    atomic_write_json(tmp_path / "toy" / "result.json", _result())
    for bad in ("{not json", json.dumps([1]), json.dumps({"reference": {"matmul_s": "x"}}),
                json.dumps({"reference": {"matmul_s": True, "python_s": 1.0}})):
        (tmp_path / MACHINE_FILE).write_text(bad)
        assert read_machine(tmp_path) is None
        build_report(tmp_path, quiet=True)
        assert "Machine:" not in (tmp_path / "summary.md").read_text()


def test_reproduce_records_the_machine_before_the_studies(fake_registry, tmp_path):
    from neurips25.reproduce import reproduce

    assert reproduce(["fake_ok"], tmp_path / "out", "quick", None, None) == 0
    info = read_machine(tmp_path / "out")
    assert info is not None and info["reference"]["matmul_s"] > 0
    assert (tmp_path / "out" / "summary.md").read_text().splitlines()[2].startswith("Machine:")
