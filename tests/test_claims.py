import json

import numpy as np
import pytest

from lib.claims import NOT_REPRODUCED, REPRODUCED, Ledger, VerdictMismatch
from lib.stats import mean_ci


def make(tmp_path, holds=True, expected=REPRODUCED):
    led = Ledger("toy-chapter", scale="ci", seed=3)
    led.claim("C1", "x is big", paper="Fig. 1: 10", expected=expected)
    led.check("C1", measured=mean_ci([1.0, 2.0, 3.0]), test="mean >= 1", holds=holds)
    return led


def test_finish_writes_json_and_passes_when_as_declared(tmp_path):
    make(tmp_path).finish(tmp_path)
    path = tmp_path / "toy-chapter.json"
    data = json.loads(path.read_text())
    assert path.name == "toy-chapter.json" and data["seed"] == 3
    (c,) = data["claims"]
    assert c["verdict"] == REPRODUCED and c["as_declared"] and c["measured_value"]["n"] == 3


def test_declared_not_reproduced_that_does_not_hold_is_fine(tmp_path):
    make(tmp_path, holds=False, expected=NOT_REPRODUCED).finish(tmp_path)


def test_mismatch_raises_after_writing_the_ledger(tmp_path):
    led = make(tmp_path, holds=False, expected=REPRODUCED)
    with pytest.raises(VerdictMismatch, match="C1: measured not reproduced, declared reproduced"):
        led.finish(tmp_path)
    data = json.loads((tmp_path / "toy-chapter.json").read_text())
    assert data["claims"][0]["as_declared"] is False


def test_unexpected_success_is_also_a_mismatch(tmp_path):
    with pytest.raises(VerdictMismatch):
        make(tmp_path, holds=True, expected=NOT_REPRODUCED).finish(tmp_path)


def test_unchecked_claim_is_a_mismatch(tmp_path):
    led = Ledger("toy-chapter")
    led.claim("C1", "s", paper="p", expected=REPRODUCED)
    with pytest.raises(VerdictMismatch, match="never checked"):
        led.finish(tmp_path)


def test_bad_inputs_are_refused():
    led = Ledger("toy")
    with pytest.raises(ValueError, match="expected verdict"):
        led.claim("C1", "s", paper="p", expected="maybe")
    led.claim("C1", "s", paper="p", expected=REPRODUCED)
    with pytest.raises(ValueError, match="twice"):
        led.claim("C1", "s", paper="p", expected=REPRODUCED)
    with pytest.raises(KeyError, match="never declared"):
        led.check("C2", measured=1.0, test="t", holds=True)
    with pytest.raises(TypeError, match="must be a bool"):
        led.check("C1", measured=1.0, test="t", holds="yes")
    with pytest.raises(ValueError, match="slug"):
        Ledger("Not A Slug")


def test_numpy_bool_and_number_measurements(tmp_path):
    led = Ledger("toy")
    led.claim("C1", "s", paper="p", expected=REPRODUCED)
    led.check("C1", measured=np.float64(0.25), test="t", holds=np.bool_(True))
    c = led.claims["C1"]
    assert c.holds is True and c.measured == "0.25"


def test_html_table_shows_verdict_and_mismatch(tmp_path):
    led = make(tmp_path, holds=False)
    html = led.to_html()
    assert "claims-ledger" in html and "MISMATCH" in html and "not reproduced" in html
    assert "C1" in led.to_text()


def test_ledger_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_LEDGER_DIR", str(tmp_path / "sub"))
    make(tmp_path).finish()
    assert (tmp_path / "sub" / "toy-chapter.json").exists()
