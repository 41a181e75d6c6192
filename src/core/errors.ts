/** Where an error happened: any of file, event, field, record, byte offset. */
export interface ErrorContext {
  file?: string;
  event?: string | number;
  field?: string;
  record?: number;
  offset?: number;
  url?: string;
  status?: number;
  attempt?: number;
  cause?: unknown;
}

export type ErrorCode = "E_OPTION" | "E_FORMAT" | "E_DATA" | "E_SHAPE" | "E_NOT_FITTED" | "E_FETCH" | "E_INTERNAL";

/** The root of every error this library throws (STYLE.md §5): message = "where: what (expected, got)". */
export class SpecufexError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly event?: string | number;
  readonly field?: string;
  readonly record?: number;
  readonly offset?: number;
  constructor(message: string, code: ErrorCode = "E_INTERNAL", context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.code = code;
    if (context.file !== undefined) this.file = context.file;
    if (context.event !== undefined) this.event = context.event;
    if (context.field !== undefined) this.field = context.field;
    if (context.record !== undefined) this.record = context.record;
    if (context.offset !== undefined) this.offset = context.offset;
  }
}

/** A bad estimator option or config value; names the field. */
export class OptionError extends SpecufexError {
  constructor(message: string, context: ErrorContext = {}) { super(message, "E_OPTION", context); }
}

/** An unreadable or malformed file; names file, record, byte offset. */
export class FormatError extends SpecufexError {
  constructor(message: string, context: ErrorContext = {}) { super(message, "E_FORMAT", context); }
}

/** No reader recognised the file; lists the formats tried. */
export class UnknownFormatError extends FormatError {
  readonly tried: readonly string[];
  constructor(message: string, tried: readonly string[], context: ErrorContext = {}) {
    super(message, context);
    this.tried = tried;
  }
}

/** A valid file with unusable content (NaN, too short, gap); names the event. */
export class DataError extends SpecufexError {
  constructor(message: string, context: ErrorContext = {}) { super(message, "E_DATA", context); }
}

/** A dimension mismatch; names both shapes. */
export class ShapeError extends SpecufexError {
  constructor(message: string, context: ErrorContext = {}) { super(message, "E_SHAPE", context); }
}

/** A learned value was asked for before `fit`. */
export class NotFittedError extends SpecufexError {
  constructor(estimator: string) { super(`${estimator}: not fitted yet (call fit first)`, "E_NOT_FITTED"); }
}

/** An FDSN web-service request failed; names URL, HTTP status, attempt. */
export class FetchError extends SpecufexError {
  readonly url?: string;
  readonly status?: number;
  readonly attempt?: number;
  constructor(message: string, context: ErrorContext = {}) {
    super(message, "E_FETCH", context);
    if (context.url !== undefined) this.url = context.url;
    if (context.status !== undefined) this.status = context.status;
    if (context.attempt !== undefined) this.attempt = context.attempt;
  }
}
