// Demeaning and linear detrending (SciPy's `detrend`, ObsPy's `detrend('demean' | 'linear')`).

/**
 * Subtracts the mean (SciPy's `detrend(type='constant')`, SAC's `rmean`). Returns a new array.
 * @param x samples (any unit)
 * @returns x − mean(x), same length
 * @example demean(new Float64Array([1, 2, 3])) // [-1, 0, 1]
 */
export function demean(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  for (let i = 0; i < n; i++) out[i] = x[i]! - mean;
  return out;
}

/**
 * Removes the least-squares straight line (SciPy's `detrend(type='linear')`, SAC's `rtrend`). Returns a new array.
 * @param x samples (any unit); a line through the sample index is fitted and subtracted
 * @returns residuals, same length (an empty or one-sample input gives zeros)
 * @example detrendLinear(new Float64Array([1, 3, 5, 7])) // [0, 0, 0, 0]
 */
export function detrendLinear(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n < 2) return out;
  // Centred abscissa: the normal equations decouple, slope = Σ(t−t̄)(x−x̄)/Σ(t−t̄)².
  const tMean = (n - 1) / 2;
  let xs = 0;
  for (let i = 0; i < n; i++) xs += x[i]!;
  const xMean = xs / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    const t = i - tMean;
    sxy += t * (x[i]! - xMean);
    sxx += t * t;
  }
  const slope = sxy / sxx;
  for (let i = 0; i < n; i++) out[i] = x[i]! - xMean - slope * (i - tMean);
  return out;
}
