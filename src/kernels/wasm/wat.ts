// A small assembler for the subset of the WebAssembly text format the kernels
// use (one imported memory, functions with params/locals/result, folded or
// flat instructions, scalar and SIMD numeric ops). It keeps the kernels
// readable as .wat text without a build-time dependency; its output was checked
// byte for byte against wabt's wat2wasm on the kernel module.

type Sexp = string | Sexp[];

const VALTYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

// Plain one-byte opcodes without immediates.
const PLAIN: Record<string, number> = {
  unreachable: 0x00, nop: 0x01, return: 0x0f, drop: 0x1a, select: 0x1b,
  "i32.eqz": 0x45, "i32.eq": 0x46, "i32.ne": 0x47, "i32.lt_s": 0x48, "i32.lt_u": 0x49, "i32.gt_s": 0x4a, "i32.gt_u": 0x4b,
  "i32.le_s": 0x4c, "i32.le_u": 0x4d, "i32.ge_s": 0x4e, "i32.ge_u": 0x4f,
  "i64.eqz": 0x50, "i64.eq": 0x51, "i64.ne": 0x52,
  "f64.eq": 0x61, "f64.ne": 0x62, "f64.lt": 0x63, "f64.gt": 0x64, "f64.le": 0x65, "f64.ge": 0x66,
  "i32.add": 0x6a, "i32.sub": 0x6b, "i32.mul": 0x6c, "i32.div_s": 0x6d, "i32.div_u": 0x6e, "i32.rem_s": 0x6f, "i32.rem_u": 0x70,
  "i32.and": 0x71, "i32.or": 0x72, "i32.xor": 0x73, "i32.shl": 0x74, "i32.shr_s": 0x75, "i32.shr_u": 0x76,
  "i64.add": 0x7c, "i64.sub": 0x7d, "i64.mul": 0x7e, "i64.and": 0x83, "i64.or": 0x84, "i64.xor": 0x85,
  "i64.shl": 0x86, "i64.shr_s": 0x87, "i64.shr_u": 0x88,
  "f64.abs": 0x99, "f64.neg": 0x9a, "f64.ceil": 0x9b, "f64.floor": 0x9c, "f64.trunc": 0x9d, "f64.nearest": 0x9e,
  "f64.sqrt": 0x9f, "f64.add": 0xa0, "f64.sub": 0xa1, "f64.mul": 0xa2, "f64.div": 0xa3, "f64.min": 0xa4, "f64.max": 0xa5,
  "i32.wrap_i64": 0xa7, "i32.trunc_f64_s": 0xaa, "i64.extend_i32_s": 0xac, "i64.extend_i32_u": 0xad, "i64.trunc_f64_s": 0xb0,
  "f64.convert_i32_s": 0xb7, "f64.convert_i64_s": 0xb9,
  "i64.reinterpret_f64": 0xbd, "f64.reinterpret_i64": 0xbf,
};

// SIMD opcodes (prefix 0xfd) without immediates.
const SIMD: Record<string, number> = {
  "i64x2.splat": 0x12, "f64x2.splat": 0x14,
  "f64x2.eq": 0x47, "f64x2.ne": 0x48, "f64x2.lt": 0x49, "f64x2.gt": 0x4a, "f64x2.le": 0x4b, "f64x2.ge": 0x4c,
  "v128.not": 0x4d, "v128.and": 0x4e, "v128.andnot": 0x4f, "v128.or": 0x50, "v128.xor": 0x51, "v128.bitselect": 0x52, "v128.any_true": 0x53,
  "f64x2.ceil": 0x74, "f64x2.floor": 0x75, "f64x2.trunc": 0x7a, "f64x2.nearest": 0x94,
  "i64x2.shl": 0xcb, "i64x2.shr_s": 0xcc, "i64x2.shr_u": 0xcd, "i64x2.add": 0xce, "i64x2.sub": 0xd1,
  "i64x2.eq": 0xd6, "i64x2.lt_s": 0xd8, "i64x2.gt_s": 0xd9,
  "f64x2.abs": 0xec, "f64x2.neg": 0xed, "f64x2.sqrt": 0xef, "f64x2.add": 0xf0, "f64x2.sub": 0xf1, "f64x2.mul": 0xf2,
  "f64x2.div": 0xf3, "f64x2.min": 0xf4, "f64x2.max": 0xf5, "f64x2.pmin": 0xf6, "f64x2.pmax": 0xf7,
  "i32x4.trunc_sat_f64x2_s_zero": 0xfc, "f64x2.convert_low_i32x4_s": 0xfe,
};

// Memory instructions: [prefix or -1, opcode, natural alignment log2].
const MEMORY: Record<string, [number, number, number]> = {
  "i32.load": [-1, 0x28, 2], "i64.load": [-1, 0x29, 3], "f64.load": [-1, 0x2b, 3],
  "i32.store": [-1, 0x36, 2], "i64.store": [-1, 0x37, 3], "f64.store": [-1, 0x39, 3],
  "v128.load": [0xfd, 0x00, 4], "v128.load64_splat": [0xfd, 0x0a, 3], "v128.store": [0xfd, 0x0b, 4],
  "v128.load64_zero": [0xfd, 0x5d, 3],
};

// Lane instructions (prefix 0xfd, one lane-index byte).
const LANE: Record<string, number> = { "i64x2.extract_lane": 0x1d, "i64x2.replace_lane": 0x1e, "f64x2.extract_lane": 0x21, "f64x2.replace_lane": 0x22 };

/** Thrown for text the assembler cannot encode. */
export class WatError extends Error {}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\(;[\s\S]*?;\)|;;[^\n]*|\(|\)|"[^"]*"|[^\s()"]+/g;
  for (const m of text.matchAll(re)) {
    const t = m[0];
    if (t.startsWith(";;") || t.startsWith("(;")) continue;
    tokens.push(t);
  }
  return tokens;
}

function parse(text: string): Sexp[] {
  const tokens = tokenize(text);
  let i = 0;
  const list = (depth: number): Sexp[] => {
    const out: Sexp[] = [];
    while (i < tokens.length) {
      const t = tokens[i++]!;
      if (t === "(") out.push(list(depth + 1));
      else if (t === ")") {
        if (depth === 0) throw new WatError(`wat: unbalanced ")" at token ${i - 1}`);
        return out;
      } else out.push(t);
    }
    if (depth > 0) throw new WatError("wat: unclosed \"(\" at end of text");
    return out;
  };
  return list(0);
}

function uleb(n: number | bigint, out: number[]): void {
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
}

function sleb(n: number | bigint, out: number[]): void {
  let v = BigInt(n);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function f64Bytes(text: string, out: number[]): void {
  const v = text === "inf" || text === "+inf" ? Infinity : text === "-inf" ? -Infinity : text === "nan" ? NaN : Number(text.replace(/_/g, ""));
  if (Number.isNaN(v) && text !== "nan") throw new WatError(`wat: bad f64 constant ${text}`);
  const b = new Uint8Array(new Float64Array([v]).buffer);
  for (const x of b) out.push(x);
}

function intValue(text: string): bigint {
  const t = text.replace(/_/g, "");
  const neg = t.startsWith("-");
  const body = neg || t.startsWith("+") ? t.slice(1) : t;
  const v = BigInt(body);
  return neg ? -v : v;
}

function name(bytes: number[], s: string): void {
  const enc = new TextEncoder().encode(s);
  uleb(enc.length, bytes);
  for (const b of enc) bytes.push(b);
}

interface FuncInfo {
  name?: string;
  exportName?: string;
  params: { id?: string; type: string }[];
  results: string[];
  locals: { id?: string; type: string }[];
  body: Sexp[];
}

/** Assembles WAT text (the subset described above) into a module's bytes. */
export function assembleWat(text: string): Uint8Array {
  const top = parse(text);
  const mod = top[0];
  if (!Array.isArray(mod) || mod[0] !== "module") throw new WatError("wat: expected (module ...)");
  const imports: number[][] = [];
  const funcs: FuncInfo[] = [];
  for (const field of mod.slice(1)) {
    if (!Array.isArray(field)) throw new WatError(`wat: unexpected ${field}`);
    if (field[0] === "import") {
      const [, modName, fieldName, desc] = field as [string, string, string, Sexp[]];
      if (!Array.isArray(desc) || desc[0] !== "memory") throw new WatError("wat: only memory imports are supported");
      const bytes: number[] = [];
      name(bytes, modName.slice(1, -1));
      name(bytes, fieldName.slice(1, -1));
      bytes.push(0x02);
      const nums = desc.slice(1).filter((x): x is string => typeof x === "string" && /^\d+$/.test(x));
      const shared = desc.includes("shared");
      bytes.push(shared ? 0x03 : nums.length > 1 ? 0x01 : 0x00);
      for (const n of nums) uleb(Number(n), bytes);
      imports.push(bytes);
    } else if (field[0] === "func") {
      const f: FuncInfo = { params: [], results: [], locals: [], body: [] };
      let rest = field.slice(1);
      if (typeof rest[0] === "string" && rest[0].startsWith("$")) {
        f.name = rest[0];
        rest = rest.slice(1);
      }
      while (rest.length > 0 && Array.isArray(rest[0]) && ["export", "param", "result", "local"].includes(rest[0][0] as string)) {
        const item = rest[0] as string[];
        rest = rest.slice(1);
        if (item[0] === "export") f.exportName = item[1]!.slice(1, -1);
        else if (item[0] === "result") f.results.push(...item.slice(1));
        else {
          const target = item[0] === "param" ? f.params : f.locals;
          if (item[1]?.startsWith("$")) target.push({ id: item[1], type: item[2]! });
          else for (const t of item.slice(1)) target.push({ type: t });
        }
      }
      f.body = rest;
      funcs.push(f);
    } else {
      throw new WatError(`wat: unsupported module field ${String(field[0])}`);
    }
  }

  // Types (deduplicated in order of first use).
  const typeKeys: string[] = [];
  const typeIndex = funcs.map((f) => {
    const key = f.params.map((p) => p.type).join(",") + "->" + f.results.join(",");
    let i = typeKeys.indexOf(key);
    if (i < 0) {
      typeKeys.push(key);
      i = typeKeys.length - 1;
    }
    return i;
  });
  const funcIndex = new Map<string, number>();
  funcs.forEach((f, i) => f.name && funcIndex.set(f.name, i));

  const section = (id: number, payload: number[], out: number[]): void => {
    out.push(id);
    uleb(payload.length, out);
    out.push(...payload);
  };
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  {
    const p: number[] = [];
    uleb(typeKeys.length, p);
    for (const key of typeKeys) {
      const [params, results] = key.split("->") as [string, string];
      p.push(0x60);
      const ps = params ? params.split(",") : [];
      const rs = results ? results.split(",") : [];
      uleb(ps.length, p);
      for (const t of ps) p.push(valtype(t));
      uleb(rs.length, p);
      for (const t of rs) p.push(valtype(t));
    }
    section(1, p, out);
  }
  if (imports.length > 0) {
    const p: number[] = [];
    uleb(imports.length, p);
    for (const imp of imports) p.push(...imp);
    section(2, p, out);
  }
  {
    const p: number[] = [];
    uleb(funcs.length, p);
    for (const t of typeIndex) uleb(t, p);
    section(3, p, out);
  }
  {
    const exported = funcs.map((f, i) => [f, i] as const).filter(([f]) => f.exportName !== undefined);
    const p: number[] = [];
    uleb(exported.length, p);
    for (const [f, i] of exported) {
      name(p, f.exportName!);
      p.push(0x00);
      uleb(i, p);
    }
    section(7, p, out);
  }
  {
    const p: number[] = [];
    uleb(funcs.length, p);
    for (const f of funcs) {
      const body = encodeFunction(f, funcIndex);
      uleb(body.length, p);
      p.push(...body);
    }
    section(10, p, out);
  }
  return Uint8Array.from(out);
}

function valtype(t: string): number {
  const v = VALTYPE[t];
  if (v === undefined) throw new WatError(`wat: unknown value type ${t}`);
  return v;
}

function encodeFunction(f: FuncInfo, funcIndex: Map<string, number>): number[] {
  const locals = new Map<string, number>();
  [...f.params, ...f.locals].forEach((l, i) => l.id && locals.set(l.id, i));
  const bytes: number[] = [];
  // Locals as runs of equal types.
  const runs: [number, string][] = [];
  for (const l of f.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === l.type) last[0]++;
    else runs.push([1, l.type]);
  }
  uleb(runs.length, bytes);
  for (const [n, t] of runs) {
    uleb(n, bytes);
    bytes.push(valtype(t));
  }
  const labels: (string | undefined)[] = [];
  const localIndex = (t: string): number => {
    if (/^\d+$/.test(t)) return Number(t);
    const i = locals.get(t);
    if (i === undefined) throw new WatError(`wat: unknown local ${t} in ${f.name ?? "function"}`);
    return i;
  };
  const labelDepth = (t: string): number => {
    if (/^\d+$/.test(t)) return Number(t);
    for (let d = labels.length - 1; d >= 0; d--) if (labels[d] === t) return labels.length - 1 - d;
    throw new WatError(`wat: unknown label ${t} in ${f.name ?? "function"}`);
  };
  const blockType = (items: Sexp[]): [string | undefined, number, Sexp[]] => {
    let rest = items;
    let label: string | undefined;
    if (typeof rest[0] === "string" && rest[0].startsWith("$")) {
      label = rest[0];
      rest = rest.slice(1);
    }
    let bt = 0x40;
    if (Array.isArray(rest[0]) && rest[0][0] === "result") {
      bt = valtype(rest[0][1] as string);
      rest = rest.slice(1);
    }
    return [label, bt, rest];
  };

  // Encodes a flat instruction whose immediates are the next tokens of `seq` starting at i; returns tokens consumed.
  const flat = (op: string, seq: Sexp[], i: number): number => {
    const imm = (j: number): string => {
      const t = seq[i + j];
      if (typeof t !== "string") throw new WatError(`wat: ${op} expects an immediate`);
      return t;
    };
    if (op in PLAIN) {
      bytes.push(PLAIN[op]!);
      return 0;
    }
    if (op in SIMD) {
      bytes.push(0xfd);
      uleb(SIMD[op]!, bytes);
      return 0;
    }
    if (op === "local.get" || op === "local.set" || op === "local.tee") {
      bytes.push(op === "local.get" ? 0x20 : op === "local.set" ? 0x21 : 0x22);
      uleb(localIndex(imm(1)), bytes);
      return 1;
    }
    if (op === "br" || op === "br_if") {
      bytes.push(op === "br" ? 0x0c : 0x0d);
      uleb(labelDepth(imm(1)), bytes);
      return 1;
    }
    if (op === "call") {
      bytes.push(0x10);
      const t = imm(1);
      const idx = /^\d+$/.test(t) ? Number(t) : funcIndex.get(t);
      if (idx === undefined) throw new WatError(`wat: unknown function ${t}`);
      uleb(idx, bytes);
      return 1;
    }
    if (op === "i32.const" || op === "i64.const") {
      bytes.push(op === "i32.const" ? 0x41 : 0x42);
      let v = intValue(imm(1));
      if (op === "i32.const" && v > 0x7fffffffn) v -= 0x100000000n;
      sleb(v, bytes);
      return 1;
    }
    if (op === "f64.const") {
      bytes.push(0x44);
      f64Bytes(imm(1), bytes);
      return 1;
    }
    if (op === "v128.const") {
      bytes.push(0xfd);
      uleb(0x0c, bytes);
      const shape = imm(1);
      if (shape === "f64x2") {
        f64Bytes(imm(2), bytes);
        f64Bytes(imm(3), bytes);
      } else if (shape === "i64x2") {
        for (const t of [imm(2), imm(3)]) {
          const v = BigInt.asUintN(64, intValue(t));
          for (let b = 0n; b < 8n; b++) bytes.push(Number((v >> (8n * b)) & 0xffn));
        }
      } else {
        throw new WatError(`wat: v128.const ${shape} is not supported`);
      }
      return 3;
    }
    if (op in LANE) {
      bytes.push(0xfd);
      uleb(LANE[op]!, bytes);
      bytes.push(Number(imm(1)));
      return 1;
    }
    if (op in MEMORY) {
      const [prefix, code, natural] = MEMORY[op]!;
      let offset = 0;
      let align = natural;
      let used = 0;
      for (;;) {
        const t = seq[i + used + 1];
        if (typeof t === "string" && t.startsWith("offset=")) offset = Number(t.slice(7));
        else if (typeof t === "string" && t.startsWith("align=")) align = Math.log2(Number(t.slice(6)));
        else break;
        used++;
      }
      if (prefix >= 0) {
        bytes.push(prefix);
        uleb(code, bytes);
      } else {
        bytes.push(code);
      }
      uleb(align, bytes);
      uleb(offset, bytes);
      return used;
    }
    throw new WatError(`wat: unsupported instruction ${op}`);
  };

  const seqEncode = (seq: Sexp[]): void => {
    for (let i = 0; i < seq.length; i++) {
      const item = seq[i]!;
      if (Array.isArray(item)) {
        folded(item);
        continue;
      }
      if (item === "block" || item === "loop" || item === "if") {
        // Flat structured instruction: label and result type follow, body until `end`.
        const [label, bt, rest] = blockType(seq.slice(i + 1));
        const skipped = seq.length - (i + 1) - rest.length;
        bytes.push(item === "block" ? 0x02 : item === "loop" ? 0x03 : 0x04, bt);
        labels.push(label);
        i += skipped;
        continue;
      }
      if (item === "else") {
        bytes.push(0x05);
        continue;
      }
      if (item === "end") {
        labels.pop();
        bytes.push(0x0b);
        continue;
      }
      if (item.startsWith("$") && (seq[i - 1] === "end")) continue; // `end $label`
      i += flat(item, seq, i);
    }
  };

  const folded = (expr: Sexp[]): void => {
    const op = expr[0];
    if (typeof op !== "string") throw new WatError("wat: expected an instruction");
    if (op === "block" || op === "loop") {
      const [label, bt, rest] = blockType(expr.slice(1));
      bytes.push(op === "block" ? 0x02 : 0x03, bt);
      labels.push(label);
      seqEncode(rest);
      labels.pop();
      bytes.push(0x0b);
      return;
    }
    if (op === "if") {
      const [label, bt, rest] = blockType(expr.slice(1));
      const conds = rest.filter((x) => !(Array.isArray(x) && (x[0] === "then" || x[0] === "else")));
      for (const c of conds) folded(c as Sexp[]);
      bytes.push(0x04, bt);
      labels.push(label);
      const thenPart = rest.find((x) => Array.isArray(x) && x[0] === "then") as Sexp[] | undefined;
      const elsePart = rest.find((x) => Array.isArray(x) && x[0] === "else") as Sexp[] | undefined;
      if (thenPart) seqEncode(thenPart.slice(1));
      if (elsePart) {
        bytes.push(0x05);
        seqEncode(elsePart.slice(1));
      }
      labels.pop();
      bytes.push(0x0b);
      return;
    }
    // Operands first (nested lists), immediates are the leading strings after the op.
    const immediates: Sexp[] = [op];
    let j = 1;
    while (j < expr.length && typeof expr[j] === "string") immediates.push(expr[j++]!);
    for (; j < expr.length; j++) folded(expr[j] as Sexp[]);
    const used = flat(op, immediates, 0);
    if (used !== immediates.length - 1) throw new WatError(`wat: ${op} has unexpected immediates ${immediates.slice(1 + used).join(" ")}`);
  };

  seqEncode(f.body);
  bytes.push(0x0b);
  return bytes;
}
