// Signal processing (browser-safe): FFT, exact STFT, normalisation, detrend, tapers, filters, response,
// decimation, merging, window cutting, spectrogram quality control.
export * from "./fft.js";
export * from "./taper.js";
export * from "./stft.js";
export * from "./normalize.js";
export * from "./detrend.js";
export * from "./butterworth.js";
export * from "./sosfilt.js";
export * from "./response.js";
export * from "./resample.js";
export * from "./merge.js";
export * from "./window.js";
export * from "./quality.js";
