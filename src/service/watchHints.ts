import type { Logger } from 'pino';
import type { EventStore } from '../domain/ports/index.js';
import type { Reconciler } from '../processors/index.js';
import type { RoleWork } from './roleKeeper.js';
import { toPaymentEvent } from '../domain/index.js';

/**
 * The hint rule across processes: a hint (an unsigned KryptoGO callback, a KKiaPay delivery) is
 * confirmed by the provider's status endpoint at once, whichever process received it. The
 * reconciler role's holder watches the log for newly recorded hints and asks about each, so
 * that every status call of every process goes through one process, one rate limit. A hint
 * recorded while no process held the role is due at once in the read models: the next cycle
 * asks about it.
 */
export const watchHints = ({
  eventStore,
  reconciler,
  logger,
}: Readonly<{ eventStore: EventStore; reconciler: Reconciler; logger: Logger }>): RoleWork => {
  let stopWatching: (() => Promise<void>) | null = null;
  return {
    start: (fence) => {
      if (stopWatching !== null) return;
      const subscription = eventStore.subscribeToAll({
        fromEnd: true,
        filter: { eventTypes: ['ProviderReportRecorded'] },
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
