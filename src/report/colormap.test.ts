import { test } from "node:test";
import assert from "node:assert/strict";
import * as vega from "vega";
import { colormap, colormapPalette, type ColormapName } from "./colormap.js";
import { heatmapTile } from "./tiles.js";
import { decodePng } from "./png-decode.node.js";

function parseRgb(s: string): number[] {
  const m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(s);
  assert.ok(m, `rgb string ${s}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

for (const name of ["viridis", "magma"] as ColormapName[]) {
  test(`${name} equals Vega's own scheme interpolator at 1001 points (what the legends draw)`, () => {
    const scheme = vega.scheme(name) as (t: number) => string;
    for (let j = 0; j <= 1000; j++) {
      const t = j / 1000;
      assert.deepEqual(colormap(name, t), parseRgb(scheme(t)), `t = ${t}`);
    }
  });

  test(`${name} gets lighter monotonically (relative luminance; 8-bit rounding may dip by one level)`, () => {
    const p = colormapPalette(name, 256);
    const lin = (c: number): number => { const x = c / 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    const Y = Array.from({ length: 256 }, (_, j) => 0.2126 * lin(p[3 * j]!) + 0.7152 * lin(p[3 * j + 1]!) + 0.0722 * lin(p[3 * j + 2]!));
    for (let j = 1; j < 256; j++) assert.ok(Y[j]! >= Y[j - 1]! - 1e-3, `${name}[${j}] luminance ${Y[j]} drops below ${Y[j - 1]}`);
    // Over 8 entries (one control-point interval) it always increases.
    for (let j = 8; j < 256; j++) assert.ok(Y[j]! > Y[j - 8]!, `${name}[${j}] luminance ${Y[j]} not above [${j - 8}] ${Y[j - 8]}`);
    assert.ok(Y[255]! - Y[0]! > 0.7, `${name} spans luminance ${Y[0]}..${Y[255]}`);
  });
}

test("colour maps have matplotlib's end and middle colours; values outside [0, 1] clamp", () => {
  assert.deepEqual(colormap("viridis", 0), [0x44, 0x01, 0x54]);
  assert.deepEqual(colormap("viridis", 1), [0xfd, 0xe7, 0x25]);
  assert.deepEqual(colormap("viridis", 0.5), [0x21, 0x91, 0x8d]);
  assert.deepEqual(colormap("magma", 0), [0x00, 0x00, 0x04]);
  assert.deepEqual(colormap("magma", 1), [0xfc, 0xfd, 0xbf]);
  assert.deepEqual(colormap("viridis", -3), colormap("viridis", 0));
  assert.deepEqual(colormap("viridis", 7), colormap("viridis", 1));
  assert.deepEqual(colormap("viridis", NaN), colormap("viridis", 0));
});

test("a heat-map tile puts row 0 at the bottom, maps lo/hi to the map's ends and NaN to transparent", () => {
  // 2 rows × 3 columns: row 0 = [0, 5, 10], row 1 = [NaN, 10, 0].
  const m = { data: Float64Array.of(0, 5, 10, NaN, 10, 0), shape: [2, 3] as const };
  const t = heatmapTile(m);
  assert.equal(t.lo, 0);
  assert.equal(t.hi, 10);
  const img = decodePng(Buffer.from(t.uri.slice("data:image/png;base64,".length), "base64"));
  assert.equal(img.width, 3);
  assert.equal(img.height, 2);
  const px = (x: number, y: number): number[] => [...img.rgba.subarray(4 * (y * 3 + x), 4 * (y * 3 + x) + 4)];
  // Bottom image row (y = 1) is matrix row 0.
  assert.deepEqual(px(0, 1), [...colormap("viridis", 0), 255]);
  assert.deepEqual(px(2, 1), [...colormap("viridis", 1), 255]);
  assert.deepEqual(px(1, 1), [...colormap("viridis", 127 / 254), 255]);
  assert.equal(px(0, 0)[3], 0, "NaN is transparent");
  assert.deepEqual(px(1, 0), [...colormap("viridis", 1), 255]);
  // Fixed range and matrix layout (row 0 on top), magma.
  const t2 = heatmapTile(m, { lo: 0, hi: 20, colormap: "magma", rowZeroAtBottom: false });
  const img2 = decodePng(Buffer.from(t2.uri.slice(22), "base64"));
  assert.deepEqual([...img2.rgba.subarray(8, 12)], [...colormap("magma", 127 / 254), 255]);
});
