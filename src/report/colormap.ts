// Colour maps for heat-map tiles. The control points are Vega's own (matplotlib's viridis and magma
// sampled at 32 points) and the interpolation is Vega's (piecewise linear in sRGB, rounded), so a tile
// coloured here matches the colour legend Vega draws for `scheme: "viridis"` / `"magma"`.

export type ColormapName = "viridis" | "magma";

const CONTROL: Record<ColormapName, string> = {
  viridis:
    "440154470e61481a6c482575472f7d443a834144873d4e8a39568c35608d31688e2d708e2a788e27818e23888e21918d1f988b1fa08822a8842ab07f35b77943bf7154c56866cc5d7ad1518fd744a5db36bcdf27d2e21be9e51afde725",
  magma:
    "0000040404130b0924150e3720114b2c11603b0f704a107957157e651a80721f817f24828c29819a2e80a8327db6377ac43c75d1426fde4968e95462f1605df76f5cfa7f5efc8f65fe9f6dfeaf78febf84fece91fddea0fcedaffcfdbf",
};

function controlPoints(name: ColormapName): Uint8Array {
  const hex = CONTROL[name];
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const cache = new Map<ColormapName, Uint8Array>();

/** The control points (n×3 RGB bytes) of a colour map. */
function points(name: ColormapName): Uint8Array {
  let p = cache.get(name);
  if (!p) {
    p = controlPoints(name);
    cache.set(name, p);
  }
  return p;
}

/**
 * The colour of t ∈ [0, 1] (clamped; NaN → 0) as [r, g, b] bytes.
 * @example colormap("viridis", 0) // [68, 1, 84]
 */
export function colormap(name: ColormapName, t: number): [number, number, number] {
  const p = points(name);
  const n = p.length / 3 - 1;
  const x = t > 0 ? (t < 1 ? t : 1) : 0;
  const i = Math.min(n - 1, Math.floor(x * n));
  const f = x * n - i;
  const a = 3 * i;
  const b = a + 3;
  return [
    Math.round(p[a]! + (p[b]! - p[a]!) * f),
    Math.round(p[a + 1]! + (p[b + 1]! - p[a + 1]!) * f),
    Math.round(p[a + 2]! + (p[b + 2]! - p[a + 2]!) * f),
  ];
}

/** A palette of `size` colours (size×3 RGB bytes), entry j = colormap(j / (size − 1)). */
export function colormapPalette(name: ColormapName, size = 256): Uint8Array {
  const out = new Uint8Array(size * 3);
  for (let j = 0; j < size; j++) out.set(colormap(name, size > 1 ? j / (size - 1) : 0), 3 * j);
  return out;
}
