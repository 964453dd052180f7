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
    settings = checkProviderSettings(provider, env);
  } catch (error) {
    throw new ConfigError(`invalid configuration for WA_GATEWAY=${name}: ${(error as Error).message}`);
  }
  return instantiate(provider, settings, context);
}

/**
 * Builds a gateway from a sender's stored credentials: the same variables, under the same names
 * and rules, as the environment would give them (see docs/providers.md).
 */
export async function createGatewayFromCredentials(
  name: string,
  credentials: Readonly<Record<string, string>>,
  context: ProviderContext,
): Promise<LoadedGateway> {
  const provider = await loadProvider(name);
  return instantiate(provider, checkProviderSettings(provider, credentials), context);
}

/** The provider's settings from `values`, with defaults applied; throws naming what is wrong. */
export function checkProviderSettings(provider: ProviderDefinition, values: Readonly<Record<string, string>>): Record<string, unknown> {
  return envSchema({ schema: provider.settings, data: { ...values }, dotenv: false, env: false }) as Record<string, unknown>;
}

/** The names of the provider's settings (its environment variables), e.g. FONNTE_TOKEN. */
export function settingNames(provider: ProviderDefinition): string[] {
  return Object.keys((provider.settings as { properties?: Record<string, unknown> }).properties ?? {});
}

export interface SettingDescription {
  name: string;
  required: boolean;
  /** Never logged or shown back (a token, a key). */
  secret: boolean;
  default: string | null;
  /** The only values it takes, when it is a choice. */
  choices: string[] | null;
}

/** The provider's settings as a form needs them: which exist, which are required, which are secret. */
export function describeSettings(provider: ProviderDefinition): SettingDescription[] {
  const schema = provider.settings as { properties?: Record<string, TypeSchemaLike>; required?: string[] };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, setting]) => ({
    name,
    // A setting with a default need not be given, even if the schema lists it as required.
    required: required.has(name) && setting.default === undefined,
    secret: (provider.secrets as string[]).includes(name),
    default: setting.default === undefined ? null : String(setting.default),
    choices: setting.anyOf?.every((option) => option.const !== undefined) ? setting.anyOf.map((option) => String(option.const)) : setting.type === 'boolean' ? ['true', 'false'] : null,
  }));
}

interface TypeSchemaLike {
  default?: unknown;
  type?: string;
  anyOf?: { const?: unknown }[];
}

function instantiate(provider: ProviderDefinition, settings: Record<string, unknown>, context: ProviderContext): LoadedGateway {
  const secrets = provider.secrets.map((key) => settings[key]).filter((v): v is string => typeof v === 'string' && v !== '');
  return { gateway: provider.create(settings as never, context), webhook: provider.webhook?.(settings as never, context), secrets };
}
