/** `{name}`, `{city}`: a placeholder is an identifier in braces; any other braces are text. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

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
