/**
 * Where the delivery log's repair may start comparing: the log's newest id from before the
 * deliveries it is about to look at were recorded. An entry for a delivery is written after its
 * event (live, by the process that took it; or restored, by a repair), so every entry for those
 * deliveries comes after that id, and the comparison reads only the entries since.
 *
 * Each pass notes the log's newest id as it starts (`note`), and says up to when it settled once
 * it completed (`completed`): the next pass looks at events recorded from then on. The floor is
 * the newest id noted at least `marginMs` before then (clocks differ between the processes that
 * record events and the one that repairs; an event can be recorded a little out of order).
 * Until a pass has completed with an id noted early enough, there is none, and the repair reads
 * back from the oldest delivery it found, with a minute of slack.
 */
export const createDeliveryLogFloor = (marginMs = 5_000) => {
  let noted: Array<Readonly<{ at: number; lastId: number }>> = [];
  let settledUpTo: number | null = null;
  const usable = (): Readonly<{ at: number; lastId: number }> | undefined =>
    settledUpTo === null
      ? undefined
      : noted.filter((entry) => entry.at <= (settledUpTo ?? 0) - marginMs).at(-1);
  return {
    /** A pass starts at `at` (epoch ms), with `lastId` the log's newest entry. */
    note: (at: number, lastId: number): void => {
      noted.push({ at, lastId });
    },
    /** A pass completed: every event recorded before `settledBefore` (epoch ms) is repaired. */
    completed: (settledBefore: number): void => {
      settledUpTo = settledBefore;
      // Only the newest usable entry and those after it can serve again.
      const keepFrom = usable();
      noted = keepFrom === undefined ? noted : noted.filter((entry) => entry.at >= keepFrom.at);
    },
    /** The id every entry of the next pass's deliveries comes after; `undefined`: not known. */
    floor: (): number | undefined => usable()?.lastId,
  };
};

export type DeliveryLogFloor = ReturnType<typeof createDeliveryLogFloor>;
