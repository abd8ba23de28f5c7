// The one fit, shared by the page and the engine's worker.

/** fit returns w×h scaled down, aspect kept, so that its long side is at most long. */
export function fit(w, h, long) {
  if (Math.max(w, h) <= long) return [w, h];
  return w >= h ? [long, Math.max(1, Math.round((h * long) / w))] : [Math.max(1, Math.round((w * long) / h)), long];
}
