import { randomInt } from 'node:crypto';
import type { OutgoingTemplate } from '../gateways/gateway.js';
import { parseJsonObject } from '../customers/customers.service.js';
import type { BlastTemplate } from './blasts.schema.js';

/** `{name}`, `{city}`: a placeholder is an identifier in braces; any other braces are text. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `{Halo|Hai|Selamat pagi}`: braces holding `|` are spintax, one variant picked per recipient.
 * A variant may hold placeholders (`{Halo {name}|Hai}`); spintax does not nest.
 */
const SPINTAX = /\{((?:[^{}|]|\{[A-Za-z_][A-Za-z0-9_]*\})*(?:\|(?:[^{}|]|\{[A-Za-z_][A-Za-z0-9_]*\})*)+)\}/g;

export function spin(template: string, pick: (variants: number) => number = (n) => randomInt(n)): string {
  return template.replace(SPINTAX, (_, body: string) => {
    const variants = body.split('|'); // placeholders never hold '|'
    return variants[pick(variants.length)]!;
  });
}

export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export type Rendered = { ok: true; text: string } | { ok: false; missing: string[] };

/** Fills every placeholder; a value that is absent or blank is reported instead of sent empty. */
export function renderTemplate(template: string, values: Record<string, unknown>): Rendered {
  const missing = placeholdersOf(template).filter((key) => {
    const value = values[key];
    return value === undefined || value === null || String(value).trim() === '';
  });
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, text: template.replace(PLACEHOLDER, (_, key: string) => String(values[key])) };
}

/** The values a customer gives its messages: attributes, then the fields (which win). */
export function customerValues(customer: { name: string; phone: string | null; status: string; attributes: unknown }): Record<string, unknown> {
  return { ...parseJsonObject(customer.attributes), name: customer.name, phone: customer.phone, status: customer.status };
}

export type RenderedMessage = { ok: true; text: string; template?: OutgoingTemplate } | { ok: false; missing: string[] };

/** A blast's message (spintax picked, then placeholders) and its template's parameters, for one customer. */
export function renderMessage(
  blast: { message_template: string; template: string | null },
  values: Record<string, unknown>,
  pick?: (variants: number) => number,
): RenderedMessage {
  const text = renderTemplate(spin(blast.message_template, pick), values);
  if (blast.template === null) return text;
  const template = JSON.parse(blast.template) as BlastTemplate;
  const params = template.body_params.map((p) => renderTemplate(spin(p, pick), values));
  const missing = [...(text.ok ? [] : text.missing), ...params.flatMap((p) => (p.ok ? [] : p.missing))];
  if (missing.length > 0) return { ok: false, missing: [...new Set(missing)] };
  return {
    ok: true,
    text: text.ok ? text.text : '',
    template: { name: template.name, language: template.language, bodyParams: params.map((p) => (p.ok ? p.text : '')) },
  };
}
