// SpecUFEx results in the Python tools' layouts (FORMATS.md §2): the tutorial's
// (spectrograms/<id>, fingerprints/<id>, SpecUFEX_output/...) and specufex_processing's.
import { FormatError } from "../../core/errors.js";
import type { Matrix } from "../../core/matrix.js";
import { H5File, withH5, writeH5Atomic } from "../hdf5/index.js";

/** STFT parameters as the layouts store them. */
export interface StftParameters {
  readonly fs?: number;
  readonly nperseg: number;
  readonly noverlap: number;
  readonly nfft: number;
  readonly scaling: string;
  readonly mode: string;
  readonly fmin?: number;
  readonly fmax?: number;
}

/** Everything a results file may hold; per-event arrays are in `eventIds` order. */
export interface SpecufexResults {
  readonly eventIds: readonly string[];
  /** Normalised dB spectrograms, D×M each. */
  readonly spectrograms: readonly Matrix[];
  /** Raw (linear) spectrograms, processing layout only. */
  readonly rawSpectrograms?: readonly Matrix[];
  readonly frequenciesHz: Float64Array;
  readonly timesS: Float64Array;
  readonly stft: StftParameters;
  /** Activation matrices V (K×M). */
  readonly activations?: readonly Matrix[];
  /** State-sequence matrices γ (S×M). */
  readonly states?: readonly Matrix[];
  /** Fingerprints (S×S). */
  readonly fingerprints?: readonly Matrix[];
  /** Transition matrices A (S×S), processing layout's SpecUFEx_output/As. */
  readonly transitions?: readonly Matrix[];
  readonly gain?: Float64Array;
  readonly EW?: Matrix;
  readonly EA?: Matrix;
  readonly ElnWA?: Matrix;
  readonly EB?: Matrix;
}

const TUTORIAL_SPECTROGRAM_FIELDS = new Set(["fSTFT", "tSTFT", "nperseg", "noverlap", "nfft", "sgramScaling", "sgramMode"]);

/** Which results layout a file uses, or null. */
export function detectResultsLayout(f: H5File): "tutorial" | "processing" | null {
  if (f.has("spectrograms/transformed_spectrograms")) return "processing";
  if (f.has("spectrograms") && f.has("spectrograms/fSTFT")) return "tutorial";
  if (f.has("SpecUFEX_output") || (f.has("fingerprints") && !f.has("ACM"))) return "tutorial";
  if (f.has("ACM") || f.has("model_parameters")) return "processing";
  return null;
}

/** Reads a results file of either layout (whatever parts it holds). */
export async function readResults(path: string): Promise<SpecufexResults & { layout: "tutorial" | "processing" }> {
  return withH5(path, "r", (f) => {
    const layout = detectResultsLayout(f);
    if (!layout) throw new FormatError(`${path}: not a SpecUFEx results file (no spectrograms/fingerprints groups of the tutorial or processing layout)`, { file: path });
    return { layout, ...(layout === "tutorial" ? readTutorial(f) : readProcessing(f)) };
  });
}

function perEvent(f: H5File, group: string, ids: readonly string[]): Matrix[] | undefined {
  if (!f.has(group)) return undefined;
  return ids.map((id) => {
    if (!f.has(`${group}/${id}`)) throw new FormatError(`${f.path}: ${group}/${id} is missing`, { file: f.path, event: id });
    return f.readMatrix(`${group}/${id}`);
  });
}

function readTutorial(f: H5File): SpecufexResults {
  const hasSg = f.has("spectrograms");
  const ids = hasSg ? f.keys("spectrograms").filter((k) => !TUTORIAL_SPECTROGRAM_FIELDS.has(k)) : f.keys("fingerprints");
  const scalar = (p: string, dflt: number): number => (f.has(p) ? f.readNumber(p) : dflt);
  const str = (p: string, dflt: string): string => (f.has(p) ? String(f.readScalar(p)) : dflt);
  const ebKeys = f.has("SpecUFEX_output/EB") ? f.keys("SpecUFEX_output/EB") : [];
  return {
    eventIds: ids,
    spectrograms: hasSg ? perEvent(f, "spectrograms", ids)! : [],
    frequenciesHz: f.has("spectrograms/fSTFT") ? f.readNumbers("spectrograms/fSTFT") : new Float64Array(),
    timesS: f.has("spectrograms/tSTFT") ? f.readNumbers("spectrograms/tSTFT") : new Float64Array(),
    stft: {
      nperseg: scalar("spectrograms/nperseg", NaN),
      noverlap: scalar("spectrograms/noverlap", NaN),
      nfft: scalar("spectrograms/nfft", NaN),
      scaling: str("spectrograms/sgramScaling", ""),
      mode: str("spectrograms/sgramMode", ""),
    },
    activations: perEvent(f, "SpecUFEX_output/ACM", ids),
    states: perEvent(f, "SpecUFEX_output/STM", ids),
    fingerprints: perEvent(f, "fingerprints", ids),
    ...(f.has("SpecUFEX_output/ACM_gain/gain") ? { gain: f.readNumbers("SpecUFEX_output/ACM_gain/gain") } : {}),
    ...(f.has("SpecUFEX_output/W/W") ? { EW: f.readMatrix("SpecUFEX_output/W/W") } : {}),
    ...(ebKeys.length ? { EB: f.readMatrix(`SpecUFEX_output/EB/${ebKeys[ebKeys.length - 1]}`) } : {}),
  };
}

function readProcessing(f: H5File): SpecufexResults {
  const sg = "spectrograms/transformed_spectrograms";
  const ids = f.has(sg) ? f.keys(sg) : f.keys("fingerprints");
  const a = f.has("spectrograms") ? f.attrs("spectrograms") : {};
  const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
  const model = (name: string): Matrix | undefined => (f.has(`model_parameters/${name}`) ? f.readMatrix(`model_parameters/${name}`) : undefined);
  const EW = model("EW"), EA = model("EA"), ElnWA = model("ElnWA"), EB = model("EB");
  return {
    eventIds: ids,
    spectrograms: perEvent(f, sg, ids) ?? [],
    ...(f.has("spectrograms/raw_spectrograms") ? { rawSpectrograms: perEvent(f, "spectrograms/raw_spectrograms", ids)! } : {}),
    frequenciesHz: f.has("spectrograms/fSTFT") ? f.readNumbers("spectrograms/fSTFT") : new Float64Array(),
    timesS: f.has("spectrograms/tSTFT") ? f.readNumbers("spectrograms/tSTFT") : new Float64Array(),
    stft: {
      ...(num(a.fs) !== undefined ? { fs: num(a.fs)! } : {}),
      nperseg: num(a.nperseg) ?? NaN,
      noverlap: num(a.noverlap) ?? NaN,
      nfft: num(a.nfft) ?? NaN,
      scaling: String(a.scaling ?? ""),
      mode: String(a.mode ?? ""),
      ...(num(a.fmin) !== undefined ? { fmin: num(a.fmin)! } : {}),
      ...(num(a.fmax) !== undefined ? { fmax: num(a.fmax)! } : {}),
    },
    activations: perEvent(f, "ACM", ids),
    states: perEvent(f, "STM", ids),
    fingerprints: perEvent(f, "fingerprints", ids),
    transitions: perEvent(f, "SpecUFEx_output/As", ids),
    ...(f.has("SpecUFEx_output/ACM_gain") ? { gain: f.readNumbers("SpecUFEx_output/ACM_gain") } : {}),
    ...(EW ? { EW } : {}),
    ...(EA ? { EA } : {}),
    ...(ElnWA ? { ElnWA } : {}),
    ...(EB ? { EB } : {}),
  };
}

function writeEach(f: H5File, group: string, ids: readonly string[], ms: readonly Matrix[] | undefined): void {
  if (!ms) return;
  f.createGroup(group);
  ms.forEach((m, i) => f.writeMatrix(`${group}/${ids[i]}`, m));
}

/** Integral numbers as int64 (as the Python files hold fs, nfft, fmin …), others float64. */
function setNumberAttr(f: H5File, path: string, name: string, v: number | undefined): void {
  if (v === undefined || Number.isNaN(v)) return;
  f.setAttr(path, name, v, Number.isInteger(v) ? "i8" : "f8");
}

/** Writes the tutorial layout (FORMATS.md §2) atomically; names and dtypes as tutorial_results.h5. */
export async function writeTutorialResults(path: string, r: SpecufexResults): Promise<void> {
  await writeH5Atomic(path, (f) => {
    writeEach(f, "spectrograms", r.eventIds, r.spectrograms);
    f.writeNumbers("spectrograms/fSTFT", r.frequenciesHz);
    f.writeNumbers("spectrograms/tSTFT", r.timesS);
    f.writeScalar("spectrograms/nperseg", r.stft.nperseg, "i8");
    f.writeScalar("spectrograms/noverlap", r.stft.noverlap, "i8");
    f.writeScalar("spectrograms/nfft", r.stft.nfft, "i8");
    f.writeScalar("spectrograms/sgramScaling", r.stft.scaling);
    f.writeScalar("spectrograms/sgramMode", r.stft.mode);
    writeEach(f, "fingerprints", r.eventIds, r.fingerprints);
    writeEach(f, "SpecUFEX_output/ACM", r.eventIds, r.activations);
    writeEach(f, "SpecUFEX_output/STM", r.eventIds, r.states);
    if (r.gain) f.writeNumbers("SpecUFEX_output/ACM_gain/gain", r.gain);
    if (r.EW) f.writeMatrix("SpecUFEX_output/W/W", r.EW);
    // The tutorial stores EB once, under the last event's id.
    if (r.EB && r.eventIds.length) f.writeMatrix(`SpecUFEX_output/EB/${r.eventIds[r.eventIds.length - 1]}`, r.EB);
  });
}

/** Extra attribute groups of the processing layout (config echoes). */
export interface ProcessingAttrs {
  readonly path_attrs?: Record<string, string | number>;
  readonly sgram_attrs?: Record<string, string | number | boolean>;
  readonly specufex_attrs?: Record<string, string | number>;
  readonly dataparam_attrs?: Record<string, string | number>;
  /** catalog/cat_by_sta/<station>/{ev_ID, filename, timestamp} */
  readonly catalog?: { station: string; timestamps: readonly string[]; filenames?: readonly string[] };
}

/** Writes the specufex_processing layout (FORMATS.md §2) atomically; names and dtypes as processing_results.h5. */
export async function writeProcessingResults(path: string, r: SpecufexResults, extra: ProcessingAttrs = {}): Promise<void> {
  await writeH5Atomic(path, (f) => {
    f.createGroup("spectrograms");
    setNumberAttr(f, "spectrograms", "fs", r.stft.fs);
    setNumberAttr(f, "spectrograms", "nperseg", r.stft.nperseg);
    f.setAttr("spectrograms", "noverlap", r.stft.noverlap, "f8");
    setNumberAttr(f, "spectrograms", "nfft", r.stft.nfft);
    f.setAttr("spectrograms", "mode", r.stft.mode);
    f.setAttr("spectrograms", "scaling", r.stft.scaling);
    setNumberAttr(f, "spectrograms", "fmin", r.stft.fmin);
    setNumberAttr(f, "spectrograms", "fmax", r.stft.fmax);
    writeEach(f, "spectrograms/raw_spectrograms", r.eventIds, r.rawSpectrograms);
    writeEach(f, "spectrograms/transformed_spectrograms", r.eventIds, r.spectrograms);
    f.writeNumbers("spectrograms/fSTFT", r.frequenciesHz);
    f.writeNumbers("spectrograms/tSTFT", r.timesS);
    writeEach(f, "ACM", r.eventIds, r.activations);
    writeEach(f, "STM", r.eventIds, r.states);
    writeEach(f, "fingerprints", r.eventIds, r.fingerprints);
    if (r.gain) f.writeNumbers("SpecUFEx_output/ACM_gain", r.gain);
    writeEach(f, "SpecUFEx_output/As", r.eventIds, r.transitions);
    if (r.EW) f.writeMatrix("model_parameters/EW", r.EW);
    if (r.EA) f.writeMatrix("model_parameters/EA", r.EA);
    if (r.ElnWA) f.writeMatrix("model_parameters/ElnWA", r.ElnWA);
    if (r.EB) f.writeMatrix("model_parameters/EB", r.EB);
    for (const group of ["path_attrs", "sgram_attrs", "specufex_attrs", "dataparam_attrs"] as const) {
      const attrs = extra[group];
      if (!attrs) continue;
      f.createGroup(group);
      for (const [k, v] of Object.entries(attrs)) {
        if (typeof v === "number") setNumberAttr(f, group, k, v);
        else if (typeof v === "boolean") f.setAttr(group, k, v, "b1");
        else f.setAttr(group, k, v);
      }
    }
    if (extra.catalog) {
      const base = `catalog/cat_by_sta/${extra.catalog.station}`;
      const ids = r.eventIds.map((id) => (/^\d+$/.test(id) ? Number(id) : NaN));
      if (ids.every((x) => Number.isSafeInteger(x))) f.writeNumbers(`${base}/ev_ID`, ids, { dtype: "i8" });
      else f.writeStrings(`${base}/ev_ID`, r.eventIds, { fixedLength: true });
      f.writeStrings(`${base}/filename`, extra.catalog.filenames ?? r.eventIds.map((id) => `${id}.mseed`), { fixedLength: true });
      f.writeStrings(`${base}/timestamp`, extra.catalog.timestamps, { fixedLength: true });
    }
  });
}
