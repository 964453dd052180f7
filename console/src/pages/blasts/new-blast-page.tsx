import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { api, ApiError, need } from '../../api/client';
import type { BlastPreview } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { LoadError, Loading } from '../../layout/feedback';
import { describedBy, Field, FieldError } from '../../layout/field';
import { useAsync } from '../../use-async';
import { AudiencePicker } from './audience-picker';
import { EMPTY_FORM, errorsByInput, toFormData, toRequest, type BlastForm } from './blast-form';
import { BlastPreviewView } from './blast-preview';
import { MessageEditor } from './message-editor';

const PREVIEW_ROWS = 10;

/**
 * A new blast: audience, message, image, options; then a preview with the recipient count;
 * then send. One Idempotency-Key per version of the form, so a double click (or a retry after
 * a lost answer) queues one blast.
 */
export function NewBlastPage() {
  const { t, time, timeIn } = useI18n();
  const [, navigate] = useLocation();
  const setup = useAsync(async () => {
    const [options, senders] = await Promise.all([api.GET('/api/v1/whatsapp/blast/options'), api.GET('/api/v1/senders')]);
    return { options: need(options).data, senders: need(senders).data };
  }, []);
  const [form, setForm] = useState<BlastForm>(EMPTY_FORM);
  const [image, setImage] = useState<File | undefined>();
  const imageUrl = useMemo(() => (image ? URL.createObjectURL(image) : undefined), [image]);
  useEffect(() => () => imageUrl && URL.revokeObjectURL(imageUrl), [imageUrl]);
  const [preview, setPreview] = useState<BlastPreview | undefined>();
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState<'preview' | 'send' | undefined>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | undefined>();
  const idempotencyKey = useRef<string | undefined>(undefined);
  const sending = useRef(false);

  const change = (patch: Partial<BlastForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    if (preview) setStale(true);
    idempotencyKey.current = undefined; // another body is another blast
  };
  const fail = (failure: unknown) => {
    if (failure instanceof ApiError) {
      const { byInput, other } = errorsByInput(failure.errors);
      setErrors(byInput);
      setProblem(Object.keys(byInput).length && !other.length ? t('new.fixErrors') : [failure.message, ...other].join(' '));
    } else setProblem(String(failure));
  };

  const runPreview = async () => {
    setBusy('preview');
    setErrors({});
    setProblem(undefined);
    try {
      const result = need(await api.POST('/api/v1/whatsapp/blast/preview', { params: { query: { limit: PREVIEW_ROWS } }, body: toRequest(form) }));
      setPreview(result);
      setStale(false);
    } catch (failure) {
      setPreview(undefined);
      fail(failure);
    } finally {
      setBusy(undefined);
    }
  };

  const send = async (event: Event) => {
    event.preventDefault();
    if (sending.current || !preview || stale) return;
    sending.current = true;
    setBusy('send');
    setErrors({});
    setProblem(undefined);
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const request = toRequest(form);
      const headers = { 'Idempotency-Key': idempotencyKey.current };
      const result = image
        ? await api.POST('/api/v1/whatsapp/blast', { body: request, bodySerializer: (body) => toFormData(body as typeof request, image), headers })
        : await api.POST('/api/v1/whatsapp/blast', { body: request, headers });
      navigate(`/blasts/${need(result).blast_id}`);
    } catch (failure) {
      fail(failure);
    } finally {
      sending.current = false;
      setBusy(undefined);
    }
  };

  if (setup.error) return <LoadError error={setup.error} retry={setup.reload} />;
  if (!setup.data) return <Loading />;
  const { options, senders } = setup.data;
  const attributeKeys = options.placeholders.filter((p) => !['name', 'phone', 'status'].includes(p));
  const sendAtShown = form.sendAt && !Number.isNaN(Date.parse(form.sendAt)) ? new Date(form.sendAt).toISOString() : undefined;

  return (
    <form class="new-blast" onSubmit={send} noValidate>
      <div class="page-head">
        <h1>{t('new.title')}</h1>
      </div>
      {problem && (
        <p class="alert" role="alert">
          {problem}
        </p>
      )}
      <AudiencePicker form={form} change={change} statuses={options.customer_statuses} attributeKeys={attributeKeys} errors={errors} />

      <fieldset class="card">
        <legend>{t('new.messageAndImage')}</legend>
        <MessageEditor value={form.message} change={(message) => change({ message })} placeholders={options.placeholders} error={errors.message} />
        <Field id="image" label={t('new.image')} error={errors.image}>
          <input
            id="image"
            type="file"
            accept="image/jpeg,image/png"
            onChange={(e) => {
              setImage(e.currentTarget.files?.[0]);
              change({});
            }}
            aria-describedby={describedBy('image', false, errors.image)}
            aria-invalid={errors.image ? true : undefined}
          />
        </Field>
        {imageUrl && (
          <div class="image-preview">
            <img src={imageUrl} alt={t('new.imagePreview')} />
            <button
              type="button"
              class="link"
              onClick={() => {
                setImage(undefined);
                (document.getElementById('image') as HTMLInputElement).value = '';
                change({});
              }}
            >
              {t('new.removeImage')}
            </button>
          </div>
        )}
      </fieldset>

      <fieldset class="card">
        <legend>{t('new.optional')}</legend>
        <Field id="title" label={t('new.blastTitle')} error={errors.title}>
          <input id="title" value={form.title} maxLength={200} onInput={(e) => change({ title: e.currentTarget.value })} aria-invalid={errors.title ? true : undefined} />
        </Field>
        <Field
          id="send_at"
          label={t('new.sendAt')}
          hint={sendAtShown ? t('new.sendAtShown', { local: time(sendAtShown), service: timeIn(sendAtShown, options.time_zone), zone: options.time_zone }) : undefined}
          error={errors.send_at}
        >
          <input
            id="send_at"
            type="datetime-local"
            value={form.sendAt}
            onInput={(e) => change({ sendAt: e.currentTarget.value })}
            aria-describedby={describedBy('send_at', sendAtShown, errors.send_at)}
            aria-invalid={errors.send_at ? true : undefined}
          />
        </Field>
        <Field
          id="quiet_hours"
          label={t('new.quietHours')}
          hint={t('new.quietHoursHint', { zone: options.time_zone, default: options.quiet_hours ?? t('new.quietOff') })}
          error={errors.quiet_hours}
        >
          <input
            id="quiet_hours"
            value={form.quietHours}
            placeholder={options.quiet_hours ?? 'off'}
            onInput={(e) => change({ quietHours: e.currentTarget.value })}
            aria-describedby={describedBy('quiet_hours', true, errors.quiet_hours)}
            aria-invalid={errors.quiet_hours ? true : undefined}
          />
        </Field>
        {senders.length > 1 && (
          <fieldset class="senders">
            <legend>{t('new.senders')}</legend>
            <p class="hint">{t('new.allSenders')}</p>
            {senders.map((sender) => (
              <label key={sender.id} class="choice">
                <input
                  type="checkbox"
                  checked={form.senderIds.includes(sender.id)}
                  onChange={(e) =>
                    change({ senderIds: e.currentTarget.checked ? [...form.senderIds, sender.id] : form.senderIds.filter((id) => id !== sender.id) })
                  }
                />
                {sender.name ?? sender.display_number ?? `#${sender.id}`} <span class="muted">{sender.provider}</span>
              </label>
            ))}
            <FieldError id="sender_ids" error={errors.sender_ids} />
          </fieldset>
        )}
      </fieldset>

      <div class="actions">
        <button type="button" onClick={runPreview} disabled={busy !== undefined}>
          {busy === 'preview' ? t('new.previewing') : t('new.preview')}
        </button>
      </div>
      <p class="muted" aria-live="polite">
        {!preview ? t('new.previewFirst') : stale ? t('new.changed') : ''}
      </p>
      {preview && !stale && <BlastPreviewView preview={preview} imageUrl={imageUrl} />}
      <div class="actions">
        <button type="submit" class="primary" disabled={!preview || stale || busy !== undefined || preview.meta.audience.sendable === 0}>
          {busy === 'send' ? t('new.sending') : preview && !stale ? t('new.send', { count: preview.meta.audience.sendable }) : t('new.sendUnpreviewed')}
        </button>
      </div>
    </form>
  );
}
