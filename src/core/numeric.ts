/** Round half to even, as Python's `round` (ALGORITHM.md: `Math.round` differs at .5). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Machine epsilon, 2^−52. */
export const EPS = 2.220446049250313e-16;
