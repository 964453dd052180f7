import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envSchema } from 'env-schema';
import { ConfigError } from '../config.js';
import type { Gateway, ProviderContext, ProviderDefinition, WebhookHandler } from './gateway.js';

const PROVIDERS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'providers');

/** Every file in providers/ is a provider named after the file: adding one is adding a file. */
export function availableProviders(): string[] {
  return readdirSync(PROVIDERS_DIR)
    .filter((f) => /^[a-z0-9_-]+\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(js|ts)$/, ''))
    .sort();
}

export async function loadProvider(name: string): Promise<ProviderDefinition> {
  const names = availableProviders();
  if (!names.includes(name)) {
    throw new ConfigError(`invalid configuration: WA_GATEWAY "${name}" is unknown; available: ${names.join(', ')}`);
  }
  const file = readdirSync(PROVIDERS_DIR).find((f) => f === `${name}.js` || f === `${name}.ts`)!;
  const module = (await import(path.join(PROVIDERS_DIR, file))) as { default: ProviderDefinition };
  return module.default;
}

export interface LoadedGateway {
  gateway: Gateway;
  webhook?: WebhookHandler;
  /** Values that must never appear in logs or stored error texts. */
  secrets: string[];
}

/** Builds the named gateway from the environment, checking its variables like config.ts does. */
export async function createGateway(
  name: string,
  env: Readonly<Record<string, string>>,
  context: ProviderContext,
): Promise<LoadedGateway> {
  const provider = await loadProvider(name);
  let settings: Record<string, unknown>;
  try {
    settings = envSchema({ schema: provider.settings, data: { ...env }, dotenv: false, env: false }) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`invalid configuration for WA_GATEWAY=${name}: ${(error as Error).message}`);
  }
  const secrets = provider.secrets.map((key) => settings[key]).filter((v): v is string => typeof v === 'string' && v !== '');
  return { gateway: provider.create(settings as never, context), webhook: provider.webhook?.(settings as never, context), secrets };
}

/** Replaces every secret inside a text (an error from a provider may echo the token). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  return result;
}
