/** One minute's bar pair in the deliveries chart, in SVG user units. */
export type ChartBar = Readonly<{
  x: number;
  minute: string;
  verified: Readonly<{ y: number; height: number; count: number }>;
  rejected: Readonly<{ y: number; height: number; count: number }>;
}>;

export type DeliveryChart = Readonly<{
  width: number;
  height: number;
  barWidth: number;
  bars: readonly ChartBar[];
  /** The largest minute (the scale's top), and the hour's totals. */
  peak: number;
  verified: number;
  rejected: number;
  first: string;
  last: string;
}>;

const width = 600;
const height = 120;
const slot = width / 60;

/**
 * Verified (new or repeated) and rejected deliveries per minute over the last hour as stacked bars, laid out
 * here so that the page draws them as plain inline SVG (no script, no chart library).
 */
export const deliveryChart = (
  minutes: ReadonlyArray<Readonly<{ minute: string; verified: number; rejected: number }>>,
): DeliveryChart => {
  const peak = Math.max(1, ...minutes.map((minute) => minute.verified + minute.rejected));
  const scale = (count: number) => (count / peak) * (height - 4);
  const bars = minutes.map((minute, index) => {
    const verifiedHeight = scale(minute.verified);
    const rejectedHeight = scale(minute.rejected);
    return {
      x: index * slot + 1,
      minute: minute.minute,
      verified: {
        y: height - verifiedHeight,
        height: verifiedHeight,
        count: minute.verified,
      },
      rejected: {
        y: height - verifiedHeight - rejectedHeight,
        height: rejectedHeight,
        count: minute.rejected,
      },
    };
  });
  return {
    width,
    height,
    barWidth: slot - 2,
    bars,
    peak,
    verified: minutes.reduce((sum, minute) => sum + minute.verified, 0),
    rejected: minutes.reduce((sum, minute) => sum + minute.rejected, 0),
    first: minutes[0]?.minute.slice(11) ?? '',
    last: minutes.at(-1)?.minute.slice(11) ?? '',
  };
};
