import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering is enforced by ESLint's import fences (eslint.config.mjs); these specifications
 * lint a few lines as if they stood in a given file and read which imports the fence refuses.
 * Type-aware rules are off here: only the fences are under test.
 */
const eslint = new ESLint({
  overrideConfig: [tseslint.configs.disableTypeChecked],
});

const refusedImports = async (filePath: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => code.split('\n')[message.line - 1]?.trim() ?? '');
};

describe('the layering fences', () => {
  it('keep processors to ports: no adapter, no configuration, no wiring', async () => {
    const refused = await refusedImports(
      'src/processors/probe.ts',
      [
        "import { openStorage } from '../service/index.js';",
        "import { createLogger } from '../adapters/logging/createLogger.js';",
        "import type { Config } from '../config.js';",
        "import type { StatusClient } from '../domain/ports/index.js';",
        "import { paymentsProjectionName } from '../projections/index.js';",
        'export const probe = [openStorage, createLogger, paymentsProjectionName];',
        'export type Probe = [Config, StatusClient];',
      ].join('\n'),
    );
    expect(refused).toEqual([
      "import { openStorage } from '../service/index.js';",
      "import { createLogger } from '../adapters/logging/createLogger.js';",
      "import type { Config } from '../config.js';",
    ]);
  });

  it('keep the application off adapters and processors', async () => {
    const refused = await refusedImports(
      'src/application/probe.ts',
      [
        "import { createReconciler } from '../processors/index.js';",
        "import { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';",
        "import { decide } from '../domain/index.js';",
        'export const probe = [createReconciler, DeliveryLog, decide];',
      ].join('\n'),
    );
    expect(refused).toEqual([
      "import { createReconciler } from '../processors/index.js';",
      "import { DeliveryLog } from '../adapters/deliveryLog/deliveryLog.js';",
    ]);
  });

  it('give adapters their settings as options, never the configuration module', async () => {
    const refused = await refusedImports(
      'src/adapters/providers/acme/acmeProvider.ts',
      [
        "import { loadConfig } from '../../../config.js';",
        "import { optional } from '../../../envSchemas.js';",
        "import { markVerified } from '../../../application/index.js';",
        'export const probe = [loadConfig, optional, markVerified];',
      ].join('\n'),
    );
    expect(refused).toEqual(["import { loadConfig } from '../../../config.js';"]);
  });

  it('let only provider verifiers mark a delivery as verified', async () => {
    for (const filePath of ['src/adapters/http/probe.ts', 'src/processors/probe.ts']) {
      const refused = await refusedImports(
        filePath,
        "import { markVerified } from '../../application/index.js';\nexport const probe = markVerified;",
      );
      expect(refused, filePath).toEqual([
        "import { markVerified } from '../../application/index.js';",
      ]);
    }
  });

  it('keep the domain pure', async () => {
    const refused = await refusedImports(
      'src/domain/probe.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { WebhookRejected } from '../errors/index.js';",
        "import { z } from 'zod';",
        'export const probe = [readFileSync, WebhookRejected, z];',
      ].join('\n'),
    );
    expect(refused).toEqual([
      "import { readFileSync } from 'node:fs';",
      "import { WebhookRejected } from '../errors/index.js';",
    ]);
  });
  it('keep projections to the domain: read models fold events, use cases come after', async () => {
    const refused = await refusedImports(
      'src/projections/probe.ts',
      [
        "import { explainTrail } from '../application/index.js';",
        "import { registerPaymentRoutes } from '../adapters/http/index.js';",
        "import { fulfilmentMessageId, nextCheckAt } from '../domain/index.js';",
        'export const probe = [explainTrail, registerPaymentRoutes, fulfilmentMessageId, nextCheckAt];',
      ].join('\n'),
    );
    expect(refused).toEqual([
      "import { explainTrail } from '../application/index.js';",
      "import { registerPaymentRoutes } from '../adapters/http/index.js';",
    ]);
  });

  it('let the domain compute with instants but never read a clock', async () => {
    const code = [
      'export const later = (at: string) => new Date(Date.parse(at) + 1000).toISOString();',
      'export const now = () => new Date();',
      'export const ms = () => Date.now();',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: 'src/domain/probe.ts' });
    const refused = (result?.messages ?? [])
      .filter((message) => message.ruleId === 'no-restricted-syntax')
      .map((message) => message.line);
    expect(refused).toEqual([2, 3]);
  });
  it('keep commands to use cases: never an HTTP route, filter or schema', async () => {
    const refused = await refusedImports(
      'src/commands/probe.ts',
      [
        "import { registerReportRoutes } from '../adapters/http/reportRoutes.js';",
        "import { settlementColumns } from '../application/index.js';",
        'export const probe = [registerReportRoutes, settlementColumns];',
      ].join('\n'),
    );
    expect(refused).toEqual([
      "import { registerReportRoutes } from '../adapters/http/reportRoutes.js';",
    ]);
  });

  it('leave no adapter calling another through HTTP: nothing in src/ calls inject', () => {
    const callers = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      // Fastify's inject; the trace-context propagator's `w3c.inject` writes a header, not a request.
      .filter((file) => /(?<!w3c)\.inject\(/.test(readFileSync(join('src', file), 'utf8')));
    expect(callers).toEqual([]);
  });
});
