import { OptionError } from "./errors.js";

/** One option's rule: a default (undefined = optional, no default) and a check returning an error phrase or null. */
export interface OptionRule<T> {
  readonly default: T | undefined;
  readonly check: (value: unknown) => string | null;
}

/** An integer option, e.g. `int({ min: 1 }, 75)`. */
export function int(bounds: { min?: number; max?: number } = {}, defaultValue?: number): OptionRule<number> {
  const { min = -Infinity, max = Infinity } = bounds;
  return {
    default: defaultValue,
    check: (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? null : `must be an integer${describeBounds(min, max, "≥", "≤")}`),
  };
}

/** A finite number option with optional bounds (`above` is exclusive). */
export function num(bounds: { min?: number; max?: number; above?: number } = {}, defaultValue?: number): OptionRule<number> {
  const { min = -Infinity, max = Infinity, above = -Infinity } = bounds;
  return {
    default: defaultValue,
    check: (v) =>
      typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && v > above
        ? null
        : `must be a finite number${above > -Infinity ? ` > ${above}` : ""}${describeBounds(min, max, "≥", "≤")}`,
  };
}

/** One of a fixed set of values. */
export function oneOf<T extends string | number | boolean>(values: readonly T[], defaultValue?: T): OptionRule<T> {
  return {
    default: defaultValue,
    check: (v) => (values.includes(v as T) ? null : `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}`),
  };
}

/** A boolean option. */
export function bool(defaultValue?: boolean): OptionRule<boolean> {
  return { default: defaultValue, check: (v) => (typeof v === "boolean" ? null : "must be true or false") };
}

/** An option checked by a custom predicate. */
export function custom<T>(expected: string, isValid: (v: unknown) => boolean, defaultValue?: T): OptionRule<T> {
  return { default: defaultValue, check: (v) => (isValid(v) ? null : `must be ${expected}`) };
}

export type Rules = Readonly<Record<string, OptionRule<unknown>>>;

/**
 * Validates `given` against `rules` and fills defaults. Unknown keys are errors.
 * Messages take one shape: `BayesianNmf option "numPatterns" must be an integer ≥ 1, got 0`.
 * @throws OptionError naming the option.
 */
export function resolveOptions<R>(owner: string, rules: Rules, given: object): R {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!(key in rules)) {
      throw new OptionError(`${owner} option "${key}" is not known (known: ${Object.keys(rules).join(", ")})`, { field: key });
    }
  }
  for (const [key, rule] of Object.entries(rules)) {
    const value = (given as Record<string, unknown>)[key];
    if (value === undefined) {
      if (rule.default !== undefined) out[key] = rule.default;
      continue;
    }
    const problem = rule.check(value);
    if (problem !== null) throw new OptionError(`${owner} option "${key}" ${problem}, got ${show(value)}`, { field: key });
    out[key] = value;
  }
  return out as R;
}

function describeBounds(min: number, max: number, ge: string, le: string): string {
  const parts: string[] = [];
  if (min > -Infinity) parts.push(`${ge} ${min}`);
  if (max < Infinity) parts.push(`${le} ${max}`);
  return parts.length ? " " + parts.join(" and ") : "";
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? `an array of length ${v.length}` : "an object";
  return String(v);
}
