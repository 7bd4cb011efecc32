/**
 * `npm run callbacks`: the vendor callback receiver. Configuration: CALLBACKS_CONFIG (YAML or JSON)
 * and environment variables (./config.ts); Temporal is found like the worker finds it
 * (src/temporal-connection.ts). The connection is lazy: the receiver starts while Temporal is
 * down and answers 503 until it is back, so the vendors resend instead of losing events.
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { ConfigError } from '../../config';
import { createLogger } from '../../logger';
import { resolveConnection, TemporalConnectionError } from '../../temporal-connection';
import { callbackSecrets, loadCallbacksConfig } from './config';
import { receiverConnectionOptions } from './routing';
import { startCallbackService } from './server';

async function main(): Promise<void> {
  const config = loadCallbacksConfig();
  const logger = createLogger(callbackSecrets(config)).child({ component: 'callbacks' });
  const settings = resolveConnection({ fallback: config.temporal });
  const connection = Connection.lazy({ ...(settings.connectionOptions as ConnectionOptions), ...receiverConnectionOptions() });
  const client = new Client({ connection, namespace: settings.namespace });
  logger.info({ temporal: settings.describe() }, 'callback receiver starting');
  const service = await startCallbackService(config, { client, logger });
  const stop = async (signal: string) => {
    logger.info({ signal }, 'callback receiver stopping');
    await service.close();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof TemporalConnectionError;
  console.error(known ? err.message : err);
  process.exit(1);
});
