import type { ComponentChildren } from 'preact';

/**
 * A labelled input with its hint and its error (the server's message for that field). The input
 * itself is the child, with `id={id}`; give it `aria-describedby={describedBy(id, …)}` and
 * `aria-invalid` so a screen reader reads the error with the field.
 */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
    </div>
  );
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p class="field-error" id={`${id}-error`} role="alert">
      {error}
    </p>
  );
}

/** The aria-describedby of an input that has a hint and/or an error. */
export function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
