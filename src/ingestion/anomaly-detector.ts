/**
 * A price is an anomaly when it moved more than `thresholdPercent` from the same source's
 * previous price, or lies that far from the median of the other sources' recent prices.
 * Returns the reason per symbol for the anomalous ones.
 */
export function detectAnomalies(
  prices: ReadonlyMap<string, number>,
  previous: ReadonlyMap<string, number>,
  otherSources: ReadonlyMap<string, readonly number[]>,
  thresholdPercent: number,
): Map<string, string> {
  const anomalies = new Map<string, string>();
  const change = (from: number, to: number) =>
    from === 0 ? Infinity : (Math.abs(to - from) / from) * 100;
  for (const [symbol, price] of prices) {
    const before = previous.get(symbol);
    if (before !== undefined && before > 0 && change(before, price) > thresholdPercent) {
      anomalies.set(
        symbol,
        `moved ${change(before, price).toFixed(1)}% from its previous price ${before}`,
      );
      continue;
    }
    const others = [...(otherSources.get(symbol) ?? [])].filter((p) => p > 0).sort((a, b) => a - b);
    if (others.length === 0) continue;
    const mid = Math.floor(others.length / 2);
    const median = others.length % 2 ? others[mid] : (others[mid - 1] + others[mid]) / 2;
    if (change(median, price) > thresholdPercent) {
      anomalies.set(
        symbol,
        `${change(median, price).toFixed(1)}% away from other sources (median ${median})`,
      );
    }
  }
  return anomalies;
}
