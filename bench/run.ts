// `npm run bench`: the fixed cases of BENCH.md (shared folder), one section per stage, beside the Python
// figures. Speed is measured here, never asserted in tests. `npm run bench -- nmf hmm` runs some sections.
import { availableParallelism, cpus } from "node:os";

const SECTIONS = ["spectrogram", "nmf", "hmm", "cluster", "report", "stability"] as const;

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const chosen = wanted.length ? SECTIONS.filter((s) => wanted.includes(s)) : SECTIONS;
const print = (line: string): void => void process.stdout.write(line + "\n");

print(`specufex bench — Node ${process.version}, ${availableParallelism()} threads, ${cpus()[0]?.model ?? "unknown CPU"}`);
for (const name of chosen) {
  print(`\n== ${name} ==`);
  const t0 = performance.now();
  const mod = (await import(`./${name}.bench.ts`)) as { bench(print: (line: string) => void): Promise<void> };
  await mod.bench(print);
  print(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s in all)`);
}
