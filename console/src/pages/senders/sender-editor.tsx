import { useRef, useState } from 'preact/hooks';
import { api, ApiError, need, type FieldError } from '../../api/client';
import type { Sender, SenderCreate, SenderPatch, SenderProvider } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Dialog } from '../../layout/dialog';
import { senderLabel } from './sender-card';
import { describedBy, Field, FieldMessages, messagesFor, useFocusOnErrors } from '../../layout/form-fields';

/** The form's text for each setting; pauses in seconds, as an admin thinks of them. */
interface Form {
  provider: string;
  name: string;
  display_number: string;
  pause_min_s: string;
  pause_max_s: string;
  max_in_flight: string;
  max_per_second: string;
  daily_cap: string;
  warmup_start_cap: string;
  warmup_days: string;
}

function formOf(sender: Sender | undefined, providers: SenderProvider[]): Form {
  return {
    provider: sender?.provider ?? providers.find((p) => p.name !== 'log')?.name ?? providers[0]?.name ?? '',
    name: sender?.name ?? '',
    display_number: sender?.display_number ?? '',
    pause_min_s: sender ? String(sender.pause_min_ms / 1000) : '',
    pause_max_s: sender ? String(sender.pause_max_ms / 1000) : '',
    max_in_flight: sender ? String(sender.max_in_flight) : '',
    max_per_second: sender ? String(sender.max_per_second) : '',
    daily_cap: sender?.daily_cap == null ? '' : String(sender.daily_cap),
    warmup_start_cap: sender?.warmup ? String(sender.warmup.start_cap) : '',
    warmup_days: sender?.warmup ? String(sender.warmup.days) : '',
  };
}

/** Empty text is "none" (null); anything else goes as typed, and the server says if it is not a number. */
const numberOrNull = (text: string, scale = 1) => (text.trim() === '' ? null : Math.round(Number(text.replace(',', '.')) * scale));

/**
 * The fields that changed (all of them for a new sender), so an edit never fixes a default
 * pause in place or restarts a warm-up that was not touched. Credentials: only those typed in.
 */
function bodyOf(form: Form, initial: Form, credentials: Record<string, string>, isNew: boolean): SenderPatch & Partial<SenderCreate> {
  const changed = (key: keyof Form) => isNew || form[key] !== initial[key];
  const body: SenderPatch & Partial<SenderCreate> = {};
  if (isNew) body.provider = form.provider;
  if (changed('name')) body.name = form.name.trim() === '' ? null : form.name.trim();
  if (changed('display_number')) body.display_number = form.display_number;
  if (changed('pause_min_s') && (!isNew || form.pause_min_s.trim())) body.pause_min_ms = numberOrNull(form.pause_min_s, 1000);
  if (changed('pause_max_s') && (!isNew || form.pause_max_s.trim())) body.pause_max_ms = numberOrNull(form.pause_max_s, 1000);
  if (changed('max_in_flight') && (!isNew || form.max_in_flight.trim())) body.max_in_flight = numberOrNull(form.max_in_flight);
  if (changed('max_per_second') && (!isNew || form.max_per_second.trim())) body.max_per_second = numberOrNull(form.max_per_second);
  if (changed('daily_cap') && (!isNew || form.daily_cap.trim())) body.daily_cap = numberOrNull(form.daily_cap);
  if ((changed('warmup_start_cap') || changed('warmup_days')) && (!isNew || form.warmup_start_cap.trim() || form.warmup_days.trim())) {
    const start = numberOrNull(form.warmup_start_cap);
    const days = numberOrNull(form.warmup_days);
    body.warmup = start === null && days === null ? null : { start_cap: start ?? 0, days: days ?? 0 };
  }
  const typed = Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== ''));
  if (Object.keys(typed).length > 0) body.credentials = typed;
  return body;
}

/** Add (no `sender`) or edit a sending number. Credentials are write-only: typed here, never shown back. */
export function SenderEditor({ sender, providers, onSaved, onClose }: { sender?: Sender; providers: SenderProvider[]; onSaved(sender: Sender): void; onClose(): void }) {
  const { t } = useI18n();
  const [initial] = useState(() => formOf(sender, providers));
  const [form, setForm] = useState(initial);
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusOnErrors(formRef, failure);
  const provider = providers.find((p) => p.name === form.provider);
  const takesCredentials = sender?.source !== 'environment' && (provider?.credentials.length ?? 0) > 0;

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setErrors([]);
    setFailure(undefined);
    const body = bodyOf(form, initial, credentials, !sender);
    try {
      const saved = sender
        ? Object.keys(body).length === 0
          ? sender
          : need(await api.PATCH('/api/v1/senders/{id}', { params: { path: { id: sender.id } }, body })).data
        : need(await api.POST('/api/v1/senders', { body: body as SenderCreate })).data;
      onSaved(saved);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      if (error instanceof ApiError) setErrors(error.errors);
    } finally {
      setBusy(false);
    }
  }

  const text = (key: keyof Form, id: string, label: string, field: string, options: { hint?: string; type?: string; inputMode?: 'numeric' | 'decimal' | 'tel' } = {}) => {
    const messages = messagesFor(errors, field, field === 'warmup');
    return (
      <Field inputId={id} label={label} hint={options.hint} messages={messages}>
        <input
          {...describedBy(id, messages, !!options.hint)}
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          value={form[key]}
          autoComplete="off"
          onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
        />
      </Field>
    );
  };
  const providerErrors = messagesFor(errors, 'provider');
  const credentialErrors = messagesFor(errors, 'credentials');
  return (
    <Dialog title={sender ? t('senders.edit', { name: senderLabel(sender, t) }) : t('senders.add')} onClose={onClose}>
      <form ref={formRef} onSubmit={save} noValidate>
        {failure && (
          <p class="alert" role="alert">
            {failure}
          </p>
        )}
        {sender ? (
          <p>
            {t('senders.provider')}: <strong>{sender.provider}</strong>
          </p>
        ) : (
          <Field inputId="sender-provider" label={t('senders.provider')} messages={providerErrors}>
            <select
              {...describedBy('sender-provider', providerErrors)}
              value={form.provider}
              onChange={(e) => {
                setForm({ ...form, provider: e.currentTarget.value });
                setCredentials({});
              }}
            >
              {providers.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        {text('display_number', 'sender-number', t('senders.number'), 'display_number', { type: 'tel', hint: t('senders.numberHint') })}
        {text('name', 'sender-name', t('senders.name'), 'name', { hint: t('senders.nameHint') })}
        {takesCredentials && provider && (
          <fieldset class="credentials">
            <legend>{t('senders.credentials')}</legend>
            <p class="hint">{sender?.has_credentials ? t('senders.credentialsKeep') : t('senders.credentialsNew')}</p>
            {provider.credentials.map((setting) => {
              const id = `credential-${setting.name}`;
              const messages = messagesFor(errors, `credentials.${setting.name}`);
              const hint = [setting.required ? t('senders.required') : t('senders.optional'), setting.default ? t('senders.default', { value: setting.default }) : '']
                .filter(Boolean)
                .join(' · ');
              const value = credentials[setting.name] ?? '';
              const set = (next: string) => setCredentials({ ...credentials, [setting.name]: next });
              return (
                <Field key={setting.name} inputId={id} label={setting.name} hint={hint} messages={messages}>
                  {setting.choices ? (
                    <select {...describedBy(id, messages, true)} value={value} onChange={(e) => set(e.currentTarget.value)}>
                      <option value="">{sender ? t('senders.unchanged') : t('senders.defaultChoice')}</option>
                      {setting.choices.map((choice) => (
                        <option key={choice} value={choice}>
                          {choice}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      {...describedBy(id, messages, true)}
                      type={setting.secret ? 'password' : 'text'}
                      value={value}
                      // A secret is never filled in by the browser's password manager, nor shown back.
                      autoComplete={setting.secret ? 'new-password' : 'off'}
                      spellcheck={false}
                      onInput={(e) => set(e.currentTarget.value)}
                    />
                  )}
                </Field>
              );
            })}
            <FieldMessages id="credentials-error" messages={credentialErrors} />
          </fieldset>
        )}
        {sender?.source === 'environment' && <p class="hint">{t('senders.environmentCredentials')}</p>}
        <fieldset>
          <legend>{t('senders.pacing')}</legend>
          <div class="two">
            {text('pause_min_s', 'sender-pause-min', t('senders.pauseMin'), 'pause_min_ms', { inputMode: 'decimal' })}
            {text('pause_max_s', 'sender-pause-max', t('senders.pauseMax'), 'pause_max_ms', { inputMode: 'decimal' })}
          </div>
          <p class="hint">{t('senders.pauseHint')}</p>
          <div class="two">
            {text('max_in_flight', 'sender-max-in-flight', t('senders.maxInFlight'), 'max_in_flight', { inputMode: 'numeric' })}
            {text('max_per_second', 'sender-max-per-second', t('senders.maxPerSecond'), 'max_per_second', { inputMode: 'numeric' })}
          </div>
          <p class="hint">{t('senders.rateHint')}</p>
          {text('daily_cap', 'sender-cap', t('senders.dailyCap'), 'daily_cap', { inputMode: 'numeric', hint: t('senders.dailyCapHint') })}
          <div class="two">
            {text('warmup_start_cap', 'sender-warmup-start', t('senders.warmupStart'), 'warmup.start_cap', { inputMode: 'numeric' })}
            {text('warmup_days', 'sender-warmup-days', t('senders.warmupDays'), 'warmup.days', { inputMode: 'numeric' })}
          </div>
          <FieldMessages id="warmup-error" messages={messagesFor(errors, 'warmup')} />
          <p class="hint">{t('senders.warmupHint')}</p>
        </fieldset>
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('form.saving') : t('form.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
