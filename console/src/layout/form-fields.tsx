import type { ComponentChildren, RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import type { FieldError } from '../api/client';

/** The server's messages for one field (`errors[].field`), or for the fields under it with `nested`. */
export function messagesFor(errors: readonly FieldError[], field: string, nested = false): string[] {
  return errors.filter((e) => e.field === field || (nested && e.field.startsWith(`${field}.`))).map((e) => e.message);
}

/** Messages shown next to the input whose `id` is `for`, announced and linked with aria-describedby. */
export function FieldMessages({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <p class="field-error" id={id} role="alert">
      {messages.join('; ')}
    </p>
  );
}

/** A label, its input (given as children, with `id` = `inputId`), a hint and the server's errors. */
export function Field(props: { inputId: string; label: string; hint?: string; messages?: string[]; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.inputId}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.inputId}-hint`}>
          {props.hint}
        </p>
      )}
      <FieldMessages id={`${props.inputId}-error`} messages={props.messages ?? []} />
    </div>
  );
}

/** The aria attributes of an input shown in a Field. */
export function describedBy(inputId: string, messages: string[], hint = false) {
  const ids = [hint ? `${inputId}-hint` : '', messages.length > 0 ? `${inputId}-error` : ''].filter(Boolean);
  return { id: inputId, 'aria-invalid': messages.length > 0 ? ('true' as const) : undefined, 'aria-describedby': ids.join(' ') || undefined };
}

/**
 * After a refused save, moves focus to the first field the server named (which scrolls it into
 * view, also inside a long dialog), or to the form's alert when no field is named.
 */
export function useFocusOnErrors(form: RefObject<HTMLFormElement>, failure: unknown) {
  useEffect(() => {
    if (!failure || !form.current) return;
    const target = form.current.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current.querySelector<HTMLElement>('.alert');
    if (target && target.tabIndex < 0 && !target.matches('input, select, textarea')) target.tabIndex = -1;
    target?.focus();
  }, [failure]);
}
