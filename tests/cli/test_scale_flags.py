"""--executor and --device: validated before any work; a run leaves caller threads alone."""
import dataclasses
import json
from pathlib import Path

import pytest
import torch

from neurips25.runner import run_study
from neurips25.study import Study


@dataclasses.dataclass(frozen=True)
class DeviceConfig:
    seed: int = 0
    device: str = "cpu"

    @classmethod
    def quick(cls):
        return cls()

    @classmethod
    def full(cls):
        return cls()


def _greedy_threads_run(config, out_dir: Path, progress) -> dict:
    torch.set_num_threads(1)  # a careless study; the runner must undo it
    return {"device": config.device, "threads": torch.get_num_threads()}


DEVICE_STUDY = Study(name="fake_device", title="t", arxiv="0", finding="f",
                     config_cls=DeviceConfig, run=_greedy_threads_run, claims=())


def test_run_records_executor_and_restores_threads(tmp_path, fake_registry, cli):
    before = torch.get_num_threads()
    result = run_study(DEVICE_STUDY, tmp_path / "d", device="cpu", executor="serial")
    assert result["metrics"] == {"device": "cpu", "threads": 1}
    assert result["executor"] == "serial"
    assert torch.get_num_threads() == before
    code, _, _ = cli(["run", "fake_ok", "--out", tmp_path, "--executor", "serial"])
    assert code == 0
    saved = json.loads((tmp_path / "fake_ok" / "result.json").read_text())
    assert saved["executor"] == "serial"


@pytest.mark.parametrize("flags, match", [
    (["--device", "tpu"], "--device must be"),
    (["--device", "cuda:7"], "cuda"),
])
def test_bad_device_is_one_line(user_error, fake_registry, tmp_path, flags, match):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    user_error(["run", "fake_ok", "--out", tmp_path / "o", *flags], watch=tmp_path, match=match)
    user_error(["reproduce", "--out", tmp_path / "o", *flags], watch=tmp_path, match=match)


def test_unknown_executor_is_one_line(user_error, fake_registry, tmp_path):
    user_error(["run", "fake_ok", "--out", tmp_path, "--executor", "dask"], watch=tmp_path,
               match="--executor")


def test_device_reaches_torch_studies_only(fake_registry):
    from neurips25.common.errors import UserError

    assert DEVICE_STUDY.takes_device and DEVICE_STUDY.config("quick", device="cpu").device == "cpu"
    assert not fake_registry.OK_STUDY.takes_device
    assert fake_registry.OK_STUDY.config("quick", device="cpu") == fake_registry.OK_STUDY.config()
    with pytest.raises(UserError, match="--device must be"):
        DEVICE_STUDY.config("quick", device="gpu")
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="no CUDA device"):
            fake_registry.OK_STUDY.config("quick", device="cuda")
