import type { StageDefinition } from "../stage.js";
import { clusterStage } from "./cluster.js";
import { hmmFitStage, hmmTransformStage } from "./hmm.js";
import { ingestStage } from "./ingest.js";
import { nmfFitStage, nmfTransformStage } from "./nmf.js";
import { reportStage } from "./report.js";
import { spectrogramsStage } from "./spectrograms.js";

/** The stages in order (config.ts STAGES). */
export const STAGE_DEFINITIONS: readonly StageDefinition[] = [
  ingestStage,
  spectrogramsStage,
  nmfFitStage,
  nmfTransformStage,
  hmmFitStage,
  hmmTransformStage,
  clusterStage,
  reportStage,
];
