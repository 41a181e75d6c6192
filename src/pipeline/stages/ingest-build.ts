// The data set builder as one library call: waveform files (one per event, or a continuous archive) + a
// catalogue with origin or pick times → a waveform set (FORMATS.md §1) and a project store holding the
// spectrograms (FORMATS.md §5), through the pipeline's own ingest and spectrograms stages, so a later
// `specufex run` with the same settings finds both stages done.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatIsoNs, parseTimeNs } from "../../core/time.js";
import { writeWaveformSet } from "../../io/layouts/index.js";
import { parseConfig, type SpecufexConfig } from "../config.js";
import { writeRejectedCsv } from "../outputs.js";
import type { StageContext, StageDefinition, StageProgress } from "../stage.js";
import { ProjectStore, type Rejection } from "../store.js";
import { ingestStage } from "./ingest.js";
import { spectrogramsStage } from "./spectrograms.js";

/** What `buildDataset` reads and how it cuts, preprocesses and transforms the waveforms. */
export interface BuildDatasetOptions {
  /** Output folder: waveforms.h5, specufex.h5 and rejected.csv are written there. */
  readonly outDir: string;
  /** Catalogue file (CSV, QuakeML, FDSN text, hypoDD phases) with origin times or P picks. */
  readonly catalog: string;
  /**
   * Waveform files (miniSEED 2/3, SAC) or folders of them, read as one continuous archive; may be
   * empty when the catalogue has a file column naming each event's own file (relative to the catalogue).
   */
  readonly files?: readonly string[];
  /** NET.STA.LOC.CHA ("*" or an empty field matches anything); default the only channel of the files. */
  readonly station?: string | null;
  /** Cut around the origin time (default) or the event's P pick. */
  readonly reference?: "origin" | "pick";
  /** Seconds before and after the reference time (default 3 and 17). */
  readonly beforeSeconds?: number;
  readonly afterSeconds?: number;
  /** A window that runs off the data or has a gap: reject the event (default) or pad with zeros. */
  readonly onBadWindow?: "reject" | "pad-zero";
  /** The config's preprocessing section (defaults: demean, detrend, taper 0.05, no band-pass). */
  readonly preprocessing?: Partial<SpecufexConfig["preprocessing"]>;
  /** The config's spectrogram section (defaults: the tutorial's STFT and normalisation). */
  readonly spectrogram?: Partial<SpecufexConfig["spectrogram"]>;
  /** Progress of the ingest and spectrogram stages. */
  readonly onProgress?: (p: StageProgress) => void;
  /** Log lines of the stages. */
  readonly log?: (line: string) => void;
}

/** Where the data set was written and what became of each event. */
export interface BuildDatasetResult {
  /** The waveform set (FORMATS.md §1) of the events that gave a spectrogram. */
  readonly waveformSetPath: string;
  /** The project store: event table, preprocessed waveforms, stacked spectrograms, stage records. */
  readonly storePath: string;
  readonly rejectedPath: string;
  readonly eventsIn: number;
  /** Ids of the events with a waveform and a spectrogram, in catalogue order. */
  readonly keptEventIds: readonly string[];
  /** Every event not kept, with the stage and the reason. */
  readonly rejected: readonly Rejection[];
  readonly warnings: readonly string[];
  readonly sampleRateHz: number;
}

/**
 * Builds a data set from waveform files and a catalogue: cuts each event's window, preprocesses it, writes
 * the waveform set and a project store whose spectrograms `ProjectStore.open(storePath)` then
 * `.spectrogramSource()` serves to the engine one event at a time (nothing else is loaded).
 * @param options files, catalogue, channel, window and the config's preprocessing and spectrogram sections
 * @returns the written paths, the kept event ids and every rejection with its reason
 * @throws OptionError for invalid settings or a channel choice the files leave open; FormatError for an
 *   unreadable catalogue. A per-event problem (no data, a gap, NaN, too short) is a rejection, not an error.
 * @example
 *   const r = await buildDataset({ outDir: "set", files: ["archive/"], catalog: "picks.csv", station: "IV.T1214..EHZ", reference: "pick" });
 *   const store = await ProjectStore.open(r.storePath); const source = store.spectrogramSource();
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<BuildDatasetResult> {
  const outDir = resolve(options.outDir);
  const config = parseConfig(
    {
      output: outDir,
      data: {
        files: (options.files ?? []).map((f) => resolve(f)),
        catalog: resolve(options.catalog),
        station: options.station ?? null,
        reference: options.reference ?? "origin",
        ...(options.beforeSeconds !== undefined ? { before: options.beforeSeconds } : {}),
        ...(options.afterSeconds !== undefined ? { after: options.afterSeconds } : {}),
        onBadWindow: options.onBadWindow ?? "reject",
      },
      preprocessing: options.preprocessing ?? {},
      spectrogram: options.spectrogram ?? {},
    },
    "buildDataset options",
  );
  mkdirSync(outDir, { recursive: true });
  const storePath = join(outDir, "specufex.h5");
  let store: ProjectStore | undefined;
  const controller = new AbortController();
  const context = (def: StageDefinition): StageContext => ({
    config,
    runDir: outDir,
    baseDir: outDir,
    get store(): ProjectStore {
      if (!store) throw new Error("internal: the project store is not open");
      return store;
    },
    threads: 1,
    signal: controller.signal,
    log: (line) => options.log?.(`${def.name}: ${line}`),
    progress: (p) => options.onProgress?.(p),
  });
  try {
    const ingestInfo = await ingestStage.run(context(ingestStage));
    store = await ProjectStore.open(storePath, "a");
    // The same records as runPipeline's, so `specufex run` with these settings skips both stages.
    store.completeStage("ingest", ingestStage.settings(config), "0.1.0", ingestInfo);
    store.startStage("spectrograms", spectrogramsStage.settings(config));
    const sgInfo = await spectrogramsStage.run(context(spectrogramsStage));
    store.completeStage("spectrograms", spectrogramsStage.settings(config), "0.1.0", sgInfo);

    const events = store.readEvents();
    const status = store.readStatus();
    const kept: number[] = [];
    for (let i = 0; i < status.length; i++) if (status[i] === 0) kept.push(i);
    const rejected = store.readRejections();
    const rejectedPath = join(outDir, "rejected.csv");
    writeRejectedCsv(rejectedPath, rejected);
    const sampleRateHz = Number(ingestInfo.sampleRateHz);
    const L = Number(ingestInfo.samples);
    const data = new Float64Array(kept.length * L);
    kept.forEach((i, r) => data.set(store!.readWaveform(i).data, r * L));
    const numeric = (name: string): Float64Array => Float64Array.from(kept, (i) => events.numeric[name]?.[i] ?? NaN);
    const waveformSetPath = join(outDir, "waveforms.h5");
    await writeWaveformSet(waveformSetPath, {
      eventIds: kept.map((i) => events.eventIds[i]!),
      waveforms: { data, shape: [kept.length, L] },
      sampleRateHz,
      otime: kept.map((i) => setTime(events.text.otime?.[i] ?? "")),
      lat: numeric("lat"),
      lon: numeric("lon"),
      depth: numeric("depth"),
      mag: numeric("mag"),
    });
    return {
      waveformSetPath,
      storePath,
      rejectedPath,
      eventsIn: events.eventIds.length,
      keptEventIds: kept.map((i) => events.eventIds[i]!),
      rejected,
      warnings: (ingestInfo.warnings as string[] | undefined) ?? [],
      sampleRateHz,
    };
  } finally {
    store?.close();
  }
}

/** ISO 8601 (the store) → `YYYY-MM-DD HH:MM:SS.ffffff` (FORMATS.md §1); "" stays "". */
function setTime(iso: string): string {
  return iso ? formatIsoNs(parseTimeNs(iso)).replace("T", " ").replace("Z", "") : "";
}

