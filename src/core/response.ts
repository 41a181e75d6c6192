/**
 * An instrument response as StationXML and SAC pole–zero files describe it, in SI input units.
 * Produced by the io parsers (StationXML, SACPZ), evaluated and removed by `signal/response`.
 */
export type ResponseStage =
  | {
      readonly kind: "poles-zeros";
      /** "LAPLACE (RADIANS/SECOND)" → "laplace-rad", "LAPLACE (HERTZ)" → "laplace-hz", "DIGITAL (Z-TRANSFORM)" → "digital". */
      readonly transfer: "laplace-rad" | "laplace-hz" | "digital";
      readonly normalizationFactor: number;
      readonly normalizationFrequencyHz: number;
      /** Complex values as [re, im]. */
      readonly zeros: readonly (readonly [number, number])[];
      readonly poles: readonly (readonly [number, number])[];
      readonly gain: number;
      readonly gainFrequencyHz: number;
      readonly inputUnits: string;
      readonly outputUnits: string;
      /** Sampling rate of a digital (z-transform) stage, Hz. */
      readonly inputSampleRateHz?: number;
    }
  | {
      readonly kind: "coefficients";
      readonly numerators: readonly number[];
      readonly denominators: readonly number[];
      readonly inputSampleRateHz?: number;
      readonly decimationFactor?: number;
      readonly delaySeconds?: number;
      readonly correctionSeconds?: number;
      readonly gain: number;
      readonly gainFrequencyHz: number;
      readonly inputUnits: string;
      readonly outputUnits: string;
    }
  | {
      readonly kind: "fir";
      readonly symmetry: "NONE" | "EVEN" | "ODD";
      readonly coefficients: readonly number[];
      readonly inputSampleRateHz?: number;
      readonly decimationFactor?: number;
      readonly delaySeconds?: number;
      readonly correctionSeconds?: number;
      readonly gain: number;
      readonly gainFrequencyHz: number;
      readonly inputUnits: string;
      readonly outputUnits: string;
    }
  | {
      readonly kind: "list";
      /** Frequency (Hz), amplitude, phase (degrees) per row. */
      readonly frequenciesHz: readonly number[];
      readonly amplitudes: readonly number[];
      readonly phasesDeg: readonly number[];
      readonly gain: number;
      readonly gainFrequencyHz: number;
      readonly inputUnits: string;
      readonly outputUnits: string;
    }
  | {
      /** A stage that carries only a gain (e.g. a digitiser). */
      readonly kind: "gain";
      readonly gain: number;
      readonly gainFrequencyHz: number;
      readonly inputUnits: string;
      readonly outputUnits: string;
    };

/** A channel's complete response: its stages in order plus the overall sensitivity. */
export interface InstrumentResponse {
  readonly stages: readonly ResponseStage[];
  /** InstrumentSensitivity: overall gain at a frequency, input units (e.g. "M/S"). */
  readonly sensitivity?: { readonly value: number; readonly frequencyHz: number; readonly inputUnits: string; readonly outputUnits: string };
}

/** A channel epoch of a station inventory (StationXML or SACPZ). */
export interface ChannelMetadata {
  readonly network: string;
  readonly station: string;
  readonly location: string;
  readonly channel: string;
  readonly startNs?: bigint;
  readonly endNs?: bigint;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly elevationM?: number;
  readonly depthM?: number;
  readonly azimuthDeg?: number;
  readonly dipDeg?: number;
  readonly sampleRateHz?: number;
  readonly response?: InstrumentResponse;
}
