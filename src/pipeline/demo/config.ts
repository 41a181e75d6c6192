// The pipeline settings `specufex demo` runs with (a plain object; parsed by pipeline/config.ts).
export function demoConfig(options: { events: number; seed: number }): Record<string, unknown> {
  return {
    output: ".",
    data: { waveforms: "waveforms.h5", before: 3, after: 17, units: "m/s" },
    preprocessing: { demean: true, detrend: true, taper: 0.05, bandpass: null },
    spectrogram: { nperseg: 64, noverlap: 16, nfft: 512, fmin: 5, fmax: 20 },
    nmf: { numPatterns: 75, steps: 1000, schedule: "paisley2018", seed: options.seed },
    hmm: { numStates: 15, steps: 1000, schedule: "paisley2018", seed: options.seed },
    cluster: { method: "kmeans", kRange: [2, 8], nInit: 10, seed: options.seed, alternatives: ["ward"] },
  };
}
