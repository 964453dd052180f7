import { useRef } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n';
import { describedBy, FieldError } from '../../layout/field';

/** The message, with a button per placeholder that inserts it where the cursor is. */
export function MessageEditor({ value, change, placeholders, error }: { value: string; change(text: string): void; placeholders: string[]; error?: string }) {
  const { t } = useI18n();
  const area = useRef<HTMLTextAreaElement>(null);
  const insert = (placeholder: string) => {
    const input = area.current;
    const token = `{${placeholder}}`;
    const start = input?.selectionStart ?? value.length;
    const end = input?.selectionEnd ?? value.length;
    change(value.slice(0, start) + token + value.slice(end));
    requestAnimationFrame(() => {
      input?.focus();
      input?.setSelectionRange(start + token.length, start + token.length);
    });
  };
  return (
    <div class="field">
      <label for="message">{t('new.message')}</label>
      <div class="placeholders" role="group" aria-label={t('new.insert')}>
        {placeholders.map((p) => (
          <button type="button" key={p} class="chip" onClick={() => insert(p)}>{`{${p}}`}</button>
        ))}
      </div>
      <textarea
        id="message"
        ref={area}
        value={value}
        maxLength={4096}
        onInput={(e) => change(e.currentTarget.value)}
        aria-describedby={describedBy('message', true, error)}
        aria-invalid={error ? true : undefined}
      />
      <p class="hint" id="message-hint">
        {t('new.messageHint')}
      </p>
      <FieldError id="message" error={error} />
    </div>
  );
}
