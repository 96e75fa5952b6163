import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { z } from 'zod';
import {
  createPaymentCommandHandler,
  createPaymentUseCases,
  paymentRegistrationSchema,
  explainTrail,
} from '../application/index.js';
import { RequestRejected } from '../errors/index.js';
import { loadConfig } from '../config.js';
import {
  formatMoney,
  paymentIdSchema,
  paymentKey,
  paymentStreamName,
  type PaymentEvent,
  fulfilmentMessageId,
} from '../domain/index.js';
import { createStatusEndpoints, openStorage } from '../service/index.js';
import { paymentsListCommand, paymentsListUsage } from './paymentsListCommand.js';
import { actionOf, noMoreArguments, UsageError } from './commandOptions.js';
import { isoInstant, isoInstantRule } from '../application/isoInstant.js';

export const paymentsShowUsage = `Usage: payrec payments show <provider> <ref> [--as-of ISO-8601]
  The payment's state (as of an instant, if given) and its audit trail, read from the event log.`;

export const paymentsRegisterUsage = `Usage: payrec payments register <provider> <ref> [--amount MINOR --currency CODE] [--order-id ID] [--expires-at ISO-8601]
  Register an expected payment (as POST /payments): due for a status check at once.`;

export const paymentsUsage = `${paymentsListUsage}
${paymentsShowUsage}
${paymentsRegisterUsage}`;

/** Each \`payrec payments\` action's own usage, for \`payrec payments <action> --help\`. */
export const paymentsActionUsages: Readonly<Record<string, string>> = {
  list: paymentsListUsage,
  show: paymentsShowUsage,
  register: paymentsRegisterUsage,
};

/**
 * \`payrec payments register\`: the command-line \`POST /payments\`. Prints whether it was new,
 * already registered the same way, or conflicting (exit 1; nothing changed).
 */
const registerCommand = async (args: readonly string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      amount: { type: 'string' },
      currency: { type: 'string' },
      'order-id': { type: 'string' },
      'expires-at': { type: 'string' },
    },
  });
  const [provider, ref, ...extra] = positionals;
  noMoreArguments(extra);
  const parsed = paymentRegistrationSchema.safeParse({
    provider,
    ref,
    ...(values.amount === undefined ? {} : { amount: Number(values.amount) }),
    ...(values.currency === undefined ? {} : { currency: values.currency }),
    ...(values['order-id'] === undefined ? {} : { orderId: values['order-id'] }),
    ...(values['expires-at'] === undefined ? {} : { expiresAt: values['expires-at'] }),
  });
  if (!parsed.success) {
    process.stderr.write(`payrec: ${z.prettifyError(parsed.error)}\n${paymentsUsage}\n`);
    return 2;
  }
  const config = loadConfig();
  const storage = openStorage(config);
  try {
    const { eventStore, readModels } = storage;
    // The same use case as POST /payments; whoever runs payrec here may operate.
    const payments = createPaymentUseCases({
      eventStore,
      readModels,
      handlePaymentCommand: createPaymentCommandHandler({ eventStore }),
      now: () => new Date(),
      providers: config.providers.map((configured) => configured.name),
      hasStatusEndpoint: createStatusEndpoints(config).hasStatusEndpoint,
    });
    const name = paymentKey(parsed.data);
    let registered: Awaited<ReturnType<typeof payments.register>>;
    try {
      registered = await payments.register(
        { name: `cli:${userInfo().username}`, role: 'operate' },
        parsed.data,
      );
    } catch (error) {
      if (!(error instanceof RequestRejected)) throw error;
      if (error.code === 'PAYMENT_CONFLICT') {
        process.stderr.write(
          `payrec: a different expectation is already registered for ${name}; nothing changed.\n`,
        );
        return 1;
      }
      process.stderr.write(`payrec: ${error.message}\n${paymentsUsage}\n`);
      return 2;
    }
    process.stdout.write(
      registered.created
        ? `registered ${name} (version ${String(registered.payment.version)})\n`
        : `${name} was already registered the same way\n`,
    );
    return 0;
  } finally {
    await storage.close();
  }
};

const atProvider = (providerAt: string | undefined): string =>
  providerAt === undefined ? '' : ` (at the provider ${providerAt})`;

/** One line of the audit trail: what the event says, in a few words. */
const describeEvent = (event: PaymentEvent): string => {
  switch (event.type) {
    case 'PaymentRegistered': {
      const { amount, orderId } = event.data.expected;
      return `via ${event.data.source}${amount ? ` expecting ${formatMoney(amount)}` : ''}${orderId ? ` for order ${orderId}` : ''}`;
    }
    case 'ProviderReportRecorded': {
      const { evidence, report } = event.data;
      return `${evidence.channel} "${report.providerStatus}" (${evidence.verification.method}, ${evidence.verification.trust})`;
    }
    case 'PaymentStatusChanged':
      return `${event.data.from} → ${event.data.to}${atProvider(event.data.providerAt)}`;
    case 'PaymentStatusCorrected':
      return `${event.data.from} → ${event.data.to}, correcting ${event.data.correctsDeliveryKey ?? 'an earlier report'}${atProvider(event.data.providerAt)}`;
    case 'DiscrepancyDetected': {
      const { kind, ours, theirs, previouslyResolved: previous } = event.data.discrepancy;
      return `${kind}: ours ${ours}, theirs ${theirs}${previous === undefined ? '' : ` (resolved ${previous.resolution} by ${previous.actor} at ${previous.resolvedAt} when theirs was ${previous.theirs})`}`;
    }
    case 'ProviderAmountAccepted':
      return `${event.data.from === null ? 'no amount' : formatMoney(event.data.from)} → ${formatMoney(event.data.to)} by ${event.data.actor}: ${event.data.note}`;
    case 'DiscrepancyAcknowledged':
      return `${event.data.discrepancyId} by ${event.data.actor}: ${event.data.note}`;
    case 'DiscrepancyResolved':
      return `${event.data.discrepancyId} ${event.data.resolution}${event.data.actor === undefined ? '' : ` by ${event.data.actor}: ${event.data.note ?? ''}`}`;
    case 'StatusCheckFailed':
      return `${event.data.code}: ${event.data.reason}`;
    case 'FulfilmentRequested':
      return `notify ${event.data.from} → ${event.data.to}`;
    case 'FulfilmentAttemptFailed':
      return `attempt ${event.data.attempt}: ${event.data.reason}; next at ${event.data.nextAttemptAt}`;
    case 'FulfilmentDelivered':
      return `attempt ${event.data.attempt}: HTTP ${event.data.responseStatus}`;
    case 'FulfilmentExhausted':
      return `after ${event.data.attempts} attempts: ${event.data.reason}`;
    case 'FulfilmentRedriven':
      return `via ${event.data.source}`;
  }
};

/** `payrec payments show`: state and audit trail, readable, straight from the event log. */
export const paymentsCommand = async (args: readonly string[]): Promise<number> => {
  if (args[0] === 'register') return registerCommand(args.slice(1));
  if (args[0] === 'list') return paymentsListCommand(args.slice(1));
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { 'as-of': { type: 'string' } },
  });
  const [action, provider, ref, ...extra] = positionals;
  actionOf('payments', action, ['list', 'show', 'register']);
  if (provider === undefined || ref === undefined) {
    throw new UsageError('name the payment: payrec payments show <provider> <ref>');
  }
  noMoreArguments(extra);
  const config = loadConfig();
  const providers = config.providers.map((configured) => configured.name);
  if (!providers.includes(provider)) {
    throw new UsageError(
      `provider ${JSON.stringify(provider)} is not one of ${providers.join(', ')}`,
    );
  }
  const id = paymentIdSchema.safeParse({ provider, ref });
  if (!id.success) throw new UsageError('a ref is 1 to 256 printable characters');
  const asOfOption = values['as-of'];
  if (asOfOption !== undefined && !isoInstant.safeParse(asOfOption).success) {
    throw new UsageError(`--as-of ${JSON.stringify(asOfOption)}: give ${isoInstantRule}`);
  }
  const asOf = asOfOption === undefined ? Number.POSITIVE_INFINITY : Date.parse(asOfOption);
  const storage = openStorage(config);
  try {
    const out = (line = '') => process.stdout.write(`${line}\n`);
    const explained = explainTrail(
      await storage.eventStore.readStream(paymentStreamName(id.data)),
      asOf,
    );
    const { state } = explained;
    const trail = explained.events.flatMap(({ recorded, event, judgement }) =>
      event === null
        ? []
        : [
            `  #${recorded.revision.toString().padEnd(3)} ${recorded.recordedAt}  ${recorded.type.padEnd(24)} ${describeEvent(event)}${judgement === null ? '' : `  [${judgement.effect}${judgement.discrepancyId === undefined ? '' : ` ${judgement.discrepancyId}`}]`}`,
          ],
    );
    if (state.status === 'unknown') {
      process.stderr.write(
        `payrec knows no ${id.data.provider} payment "${id.data.ref}"${values['as-of'] ? ` as of ${values['as-of']}` : ''}.\n`,
      );
      return 1;
    }
    out(
      `${paymentKey(state.payment)}: ${state.status}${values['as-of'] ? ` (as of ${values['as-of']})` : ''}`,
    );
    if (state.expected?.amount) out(`  expected ${formatMoney(state.expected.amount)}`);
    if (state.reportedAmount) out(`  reported ${formatMoney(state.reportedAmount.amount)}`);
    if (state.orderId) out(`  order ${state.orderId}`);
    if (state.awaitingConfirmation) out('  a hint awaits confirmation by the status endpoint');
    for (const open of state.openDiscrepancies)
      out(`  open discrepancy ${open.kind}: ours ${open.ours}, theirs ${open.theirs}`);
    for (const fulfilment of state.fulfilments) {
      out(
        `  fulfilment ${fulfilmentMessageId(state.payment, fulfilment.key)} (${fulfilment.from} → ${fulfilment.to}): ${fulfilment.status}, ${fulfilment.attempts} attempt(s)`,
      );
    }
    out('audit trail:');
    for (const line of trail) out(line);
    return 0;
  } finally {
    await storage.close();
  }
};
