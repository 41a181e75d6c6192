// The commented specufex.yaml that `specufex init` writes: every key, its default and meaning,
// generated from the zod schema so it cannot drift from what `run` accepts.
import { z } from "zod";
import { configSchema } from "./config.js";

interface ZodInternals {
  _zod: { def: { type: string; innerType?: z.ZodType; defaultValue?: unknown; shape?: Record<string, z.ZodType>; entries?: Record<string, string>; element?: z.ZodType } };
  description?: string;
}

/** The allowed values of an enum field (or of an array of enums), else undefined. */
function choices(inner: z.ZodType): string[] | undefined {
  const def = (inner as unknown as ZodInternals)._zod.def;
  if (def.type === "enum" && def.entries) return Object.values(def.entries);
  if (def.type === "array" && def.element) return choices(unwrap(def.element).inner);
  return undefined;
}

/** The comment of a field: its description, then its choices when it is an enum. */
function comment(description: string | undefined, inner: z.ZodType): string {
  const c = choices(inner);
  const text = [description, c ? `one of: ${c.join(" | ")}` : undefined].filter(Boolean).join("; ");
  return text ? `    # ${text}` : "";
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; defaultValue: unknown; description: string | undefined } {
  let s = schema as unknown as ZodInternals;
  const description = s.description;
  let defaultValue: unknown;
  while (s._zod.def.type === "default" || s._zod.def.type === "nullable" || s._zod.def.type === "optional") {
    if (s._zod.def.type === "default") defaultValue = s._zod.def.defaultValue;
    s = s._zod.def.innerType as unknown as ZodInternals;
  }
  return { inner: s as unknown as z.ZodType, defaultValue, description: description ?? (s as ZodInternals).description };
}

function yamlValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return /^[\w./-]+$/.test(v) && !/^(true|false|null|yes|no|on|off|\d.*)$/i.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(yamlValue).join(", ")}]`;
  return String(v);
}

/** The full commented template. */
export function configTemplate(): string {
  const lines = [
    "# specufex configuration. Every key is shown with its default; delete what you do not change.",
    "# Relative paths are relative to this file. Run: specufex run specufex.yaml",
    "",
  ];
  const shape = (configSchema as unknown as ZodInternals)._zod.def.shape!;
  for (const [key, field] of Object.entries(shape)) {
    const { inner, defaultValue, description } = unwrap(field);
    const innerShape = (inner as unknown as ZodInternals)._zod.def.shape;
    if (innerShape) {
      lines.push(`# ${description ?? key}`, `${key}:`);
      for (const [sub, subField] of Object.entries(innerShape)) {
        const u = unwrap(subField);
        const value = typeof u.defaultValue === "object" && u.defaultValue !== null && !Array.isArray(u.defaultValue) ? JSON.stringify(u.defaultValue) : yamlValue(u.defaultValue);
        lines.push(`  ${sub}: ${value}${comment(u.description, u.inner)}`);
        // An optional block (null by default): its keys, commented out, to fill in instead of null.
        const subShape = (u.inner as unknown as ZodInternals)._zod.def.shape;
        if (subShape) {
          for (const [leaf, leafField] of Object.entries(subShape)) {
            const l = unwrap(leafField);
            lines.push(`  #   ${leaf}: ${l.defaultValue === undefined ? "(required)" : yamlValue(l.defaultValue)}${comment(l.description, l.inner)}`);
          }
        }
      }
      lines.push("");
    } else {
      lines.push(`${key}: ${yamlValue(defaultValue)}${comment(description, inner)}`);
    }
  }
  return lines.join("\n") + "\n";
}
