/** One event of a catalogue (QuakeML, FDSN text, CSV, hypoDD). Times are ns since the epoch, UTC. */
export interface CatalogEvent {
  readonly eventId: string;
  readonly originNs?: bigint;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly depthKm?: number;
  readonly magnitude?: number;
  readonly magnitudeType?: string;
  /** Phase picks, e.g. { station: "T1214", phase: "P", timeNs }. */
  readonly picks?: readonly Pick[];
  /** Any further columns, as text. */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface Pick {
  readonly network?: string;
  readonly station: string;
  readonly location?: string;
  readonly channel?: string;
  readonly phase: string;
  readonly timeNs: bigint;
  readonly weight?: number;
}

/** What a catalogue reader returns: the events, plus which source columns were mapped to which fields. */
export interface CatalogResult {
  readonly events: CatalogEvent[];
  readonly mappedColumns: Readonly<Record<string, string>>;
  readonly warnings: string[];
}
