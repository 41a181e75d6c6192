import { test } from "node:test";
import assert from "node:assert/strict";
import { assertGolden, sharedPath } from "../../test-support/shared.js";
import { H5File } from "../io/hdf5/index.js";
import { NormalizedSpectrogramPlan } from "./normalize.js";

test("spectrograms computed from tutorial_waveforms.h5 equal tutorial_results.h5 (golden metric, rtol 1e-9), by direct DFT and by FFT", async () => {
  const wf = await H5File.open(sharedPath("data/specufex-python-layouts/tutorial_waveforms.h5"));
  const res = await H5File.open(sharedPath("data/specufex-python-layouts/tutorial_results.h5"));
  try {
    const waveforms = wf.readMatrix("waveform");
    const ids = wf.readStrings("event_ID");
    const fs = wf.readNumber("sampling_rate");
    assert.deepEqual(waveforms.shape, [60, 2501]);
    assert.equal(fs, 125);
    const nperseg = res.readNumber("spectrograms/nperseg"), noverlap = res.readNumber("spectrograms/noverlap"), nfft = res.readNumber("spectrograms/nfft");
    assert.deepEqual([nperseg, noverlap, nfft], [64, 16, 512]);
    assert.equal(res.readScalar("spectrograms/sgramScaling"), "spectrum");
    assert.equal(res.readScalar("spectrograms/sgramMode"), "magnitude");
    const [n, L] = waveforms.shape;
    let first = true;
    for (const method of ["auto", "fft"] as const) {
      const plan: NormalizedSpectrogramPlan = new NormalizedSpectrogramPlan(fs, { nperseg, noverlap, nfft, scaling: "spectrum", mode: "magnitude", fminHz: 5, fmaxHz: 20, method });
      // the tutorial's settings take the direct band DFT by default
      assert.equal(plan.stft.method, method === "auto" ? "direct" : "fft");
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        const s = plan.compute(waveforms.data.subarray(i * L, (i + 1) * L), id);
        const expected = res.readMatrix(`spectrograms/${id}`);
        assert.deepEqual(s.values.shape, expected.shape, `event ${id}`);
        assertGolden(s.values, expected, { rtol: 1e-9, label: `${method}: spectrograms/${id}` });
        if (first) {
          assertGolden(s.frequenciesHz, res.readNumbers("spectrograms/fSTFT"), { rtol: 1e-12, label: "fSTFT" });
          assertGolden(s.timesS, res.readNumbers("spectrograms/tSTFT"), { rtol: 1e-12, label: "tSTFT" });
          first = false;
        }
      }
    }
  } finally {
    wf.close();
    res.close();
  }
});
