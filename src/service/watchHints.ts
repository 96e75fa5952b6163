import type { Logger } from 'pino';
import type { EventStore } from '../domain/ports/index.js';
import type { Reconciler } from '../processors/index.js';
import type { RoleWork } from './roleKeeper.js';
import { paymentStreamName, toPaymentEvent, type ProviderName } from '../domain/index.js';

/**
 * The hint rule across processes: a hint (an unsigned KryptoGO callback, a KKiaPay delivery) is
 * confirmed by the provider's status endpoint at once, whichever process received it. The
 * reconciler role's holder watches the log for newly recorded hints and asks about each, so
 * that every status call of every process goes through one process, one rate limit. A hint
 * recorded while no process held the role is due at once in the read models: the next cycle
 * asks about it.
 *
 * Only the streams of `providers`, those whose deliveries can be hints, are read: a provider that
 * signs every delivery (Kraken Pay, Kraken Embed) would otherwise cost the role's holder a second
 * read and decode of each of its reports (3 % of the event loop's busy time per Kraken Embed
 * delivery in a profile under bench:ingest). A hint provider's streams are read whole (every event
 * type: a stream filter and a type filter cannot be combined on EventStoreDB), and its hints cost a
 * status call each anyway. With no such provider, nothing is watched.
 */
export const watchHints = ({
  eventStore,
  reconciler,
  logger,
  providers,
}: Readonly<{
  eventStore: EventStore;
  reconciler: Reconciler;
  logger: Logger;
  /** The providers whose deliveries can be hints (`sendsHints`). */
  providers: readonly ProviderName[];
}>): RoleWork => {
  let stopWatching: (() => Promise<void>) | null = null;
  // A payment stream's name is the prefix and `provider/ref`: these are each provider's streams.
  const streamPrefixes = providers.map((provider) => paymentStreamName({ provider, ref: '' }));
  return {
    start: (fence) => {
      if (stopWatching !== null || streamPrefixes.length === 0) return;
      const subscription = eventStore.subscribeToAll({
        fromEnd: true,
        filter: { streamPrefixes },
      });
      const watching = (async () => {
        try {
          for await (const recorded of subscription) {
            const event = toPaymentEvent(recorded);
            if (
              event?.type === 'ProviderReportRecorded' &&
              event.data.evidence.verification.trust === 'hint'
            ) {
              reconciler.checkNow(event.data.payment, fence);
            }
          }
        } catch (err) {
          logger.error({ err }, 'watching for hints failed; the next cycle checks what is due');
        }
      })();
      stopWatching = async () => {
        await subscription.unsubscribe();
        await watching;
      };
    },
    stop: async () => {
      const stopping = stopWatching;
      stopWatching = null;
      await stopping?.();
    },
  };
};
