/** One minute's bar pair in the deliveries chart, in SVG user units. */
export type ChartBar = Readonly<{
  x: number;
  minute: string;
  verified: Readonly<{ y: number; height: number; count: number }>;
  rejected: Readonly<{ y: number; height: number; count: number }>;
}>;

/** A labelled mark on an axis: `at` is x on the time axis, y on the count axis. */
export type ChartTick = Readonly<{ at: number; label: string }>;

export type DeliveryChart = Readonly<{
  width: number;
  height: number;
  /** Where the plot sits inside the chart: the axes' labels take the rest. */
  plot: Readonly<{ left: number; top: number; width: number; height: number }>;
  barWidth: number;
  bars: readonly ChartBar[];
  /** Every ten minutes, UTC. */
  timeTicks: readonly ChartTick[];
  /** The scale: 0, half the top and the top. */
  countTicks: readonly ChartTick[];
  /** The largest minute (the scale's top), and the hour's totals. */
  peak: number;
  verified: number;
  rejected: number;
  first: string;
  last: string;
}>;

const plot = { left: 44, top: 6, width: 600, height: 120 } as const;
const slot = plot.width / 60;
/** A minute with any delivery is never drawn thinner than this, however tall the busiest. */
const minimumBar = 2;

/**
 * Verified (new or repeated) and rejected deliveries per minute over the last hour as stacked
 * bars, with a time axis (UTC, every ten minutes) and a count scale, laid out here so that the
 * page draws them as plain inline SVG (no script, no chart library). A quiet minute beside a busy
 * one still shows: any count gets at least a sliver.
 */
export const deliveryChart = (
  minutes: ReadonlyArray<Readonly<{ minute: string; verified: number; rejected: number }>>,
): DeliveryChart => {
  const peak = Math.max(1, ...minutes.map((minute) => minute.verified + minute.rejected));
  const bottom = plot.top + plot.height;
  const scale = (count: number) =>
    count === 0 ? 0 : Math.max(minimumBar, (count / peak) * plot.height);
  const bars = minutes.map((minute, index) => {
    const verifiedHeight = scale(minute.verified);
    const rejectedHeight = scale(minute.rejected);
    return {
      x: plot.left + index * slot + 1,
      minute: minute.minute,
      verified: { y: bottom - verifiedHeight, height: verifiedHeight, count: minute.verified },
      rejected: {
        y: bottom - verifiedHeight - rejectedHeight,
        height: rejectedHeight,
        count: minute.rejected,
      },
    };
  });
  const half = Math.round(peak / 2);
  return {
    width: plot.left + plot.width + 4,
    height: bottom + 20,
    plot,
    barWidth: slot - 2,
    bars,
    timeTicks: bars
      .filter((bar) => bar.minute.endsWith('0'))
      .map((bar) => ({ at: bar.x + (slot - 2) / 2, label: bar.minute.slice(11, 16) })),
    countTicks: [
      { at: bottom, label: '0' },
      ...(half > 0 && half < peak
        ? [{ at: bottom - (half / peak) * plot.height, label: compact(half) }]
        : []),
      { at: plot.top, label: compact(peak) },
    ],
    peak,
    verified: minutes.reduce((sum, minute) => sum + minute.verified, 0),
    rejected: minutes.reduce((sum, minute) => sum + minute.rejected, 0),
    first: minutes[0]?.minute.slice(11) ?? '',
    last: minutes.at(-1)?.minute.slice(11) ?? '',
  };
};

/** 6,000 as "6k", 1,250,000 as "1.3M": what fits beside the scale. */
const compact = (count: number): string =>
  new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(count);
