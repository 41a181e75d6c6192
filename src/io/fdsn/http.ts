// One HTTP exchange with an FDSN service: timeouts, retries with exponential backoff on 429/5xx/timeouts/
// network failures (Retry-After honoured), 204 (and 404 when nodata=404 was asked) as "no data",
// and a concurrency limit shared by every request of a client. Uses the global (or an injected) fetch.
import { FetchError } from "../../core/errors.js";

/** What `fetch` must offer (the global one, or a test double). */
export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

/** How requests are sent. */
export interface HttpSettings {
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First backoff; doubled at each retry, capped by maxBackoffMs. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly userAgent: string;
  readonly nodata: 204 | 404;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** A request's outcome: the body, or the service's "no data" answer. */
export type HttpOutcome =
  | { readonly kind: "body"; readonly bytes: Uint8Array; readonly url: string; readonly attempt: number; readonly contentType: string }
  | { readonly kind: "nodata"; readonly status: number; readonly url: string; readonly attempt: number };

/** A counting semaphore: at most `limit` tasks run at once, the others wait in arrival order. */
export class Limiter {
  readonly limit: number;
  #active = 0;
  #waiting: (() => void)[] = [];
  constructor(limit: number) {
    this.limit = limit;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await task();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

/** Resolves after `ms` (rejects when `signal` aborts). */
export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Seconds (integer or decimal) or an HTTP date → ms to wait; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const t = value.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const c = cause instanceof Error ? `: ${cause.message}` : "";
    return `${err.message}${c}`;
  }
  return String(err);
}

/**
 * Sends one request (GET, or POST with `body`), retrying what can be retried.
 * @param label how messages name the request, e.g. "bulk POST of 12 lines".
 * @throws FetchError naming the URL, the HTTP status and the attempt, once the retries are spent or on a
 *   status that retrying cannot fix (400, 401, 403, 413, …); the abort reason when `settings.signal` aborts.
 */
export async function sendRequest(settings: HttpSettings, limiter: Limiter, url: string, body?: string, label = body === undefined ? "GET" : "POST"): Promise<HttpOutcome> {
  const attempts = settings.retries + 1;
  for (let attempt = 1; ; attempt++) {
    settings.signal?.throwIfAborted();
    let waitMs: number | undefined;
    let failure: FetchError;
    const result = await limiter.run(async (): Promise<HttpOutcome | { retry: FetchError; waitMs?: number } | FetchError> => {
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(settings.signal!.reason);
      settings.signal?.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`timed out after ${settings.timeoutMs} ms`));
      }, settings.timeoutMs);
      const where = `${url} (${label}, attempt ${attempt} of ${attempts})`;
      try {
        const headers: Record<string, string> = { "User-Agent": settings.userAgent };
        if (body !== undefined) headers["Content-Type"] = "text/plain";
        const res = await settings.fetch(url, { method: body === undefined ? "GET" : "POST", headers, ...(body === undefined ? {} : { body }), signal: controller.signal });
        const status = res.status;
        if (status === 204 || (status === 404 && settings.nodata === 404)) {
          await res.body?.cancel().catch(() => undefined);
          return { kind: "nodata", status, url, attempt };
        }
        if (status >= 200 && status < 300) {
          const bytes = new Uint8Array(await res.arrayBuffer());
          return { kind: "body", bytes, url, attempt, contentType: res.headers.get("content-type") ?? "" };
        }
        const text = (await res.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 300);
        const err = new FetchError(`${where}: HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}${text ? ` — ${text}` : ""}`, { url, status, attempt });
        if (RETRYABLE_STATUS.has(status)) {
          const after = parseRetryAfter(res.headers.get("retry-after"));
          return { retry: err, ...(after === undefined ? {} : { waitMs: after }) };
        }
        return err;
      } catch (err) {
        if (settings.signal?.aborted) throw settings.signal.reason;
        const what = timedOut ? `timed out after ${settings.timeoutMs} ms` : `network failure (${describeError(err)})`;
        return { retry: new FetchError(`${where}: ${what}`, { url, attempt, cause: err }) };
      } finally {
        clearTimeout(timer);
        settings.signal?.removeEventListener("abort", onAbort);
      }
    });
    if (result instanceof FetchError) throw result;
    if ("kind" in result) return result;
    failure = result.retry;
    waitMs = result.waitMs;
    if (attempt >= attempts) throw failure;
    const backoff = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** (attempt - 1));
    // Retry-After is the service's own word: honoured even above the backoff cap.
    await settings.sleep(waitMs ?? backoff, settings.signal);
  }
}
