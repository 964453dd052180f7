import { useRef, useState } from 'preact/hooks';
import { api, ApiError, need, type FieldError } from '../../api/client';
import type { Customer } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Dialog } from '../../layout/dialog';
import { describedBy, Field, FieldMessages, messagesFor, useFocusOnErrors } from '../../layout/form-fields';

interface AttributeRow {
  key: string;
  value: string;
}

/** Text fields back to the API's attributes; a number left as it was stays a number. */
function toAttributes(rows: AttributeRow[], original: Customer['attributes']): Record<string, string | number> {
  const attributes: Record<string, string | number> = {};
  for (const { key, value } of rows) {
    const name = key.trim();
    if (!name) continue;
    const before = original[name];
    attributes[name] = typeof before === 'number' && String(before) === value ? before : value;
  }
  return attributes;
}

/** Add (no `customer`) or edit one customer; the server's field errors appear next to their inputs. */
export function CustomerEditor({ customer, onSaved, onClose }: { customer?: Customer; onSaved(customer: Customer): void; onClose(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(customer?.name ?? '');
  const [phone, setPhone] = useState(customer?.phone ?? '');
  const [status, setStatus] = useState(customer?.status ?? '');
  const [rows, setRows] = useState<AttributeRow[]>(() => Object.entries(customer?.attributes ?? {}).map(([key, value]) => ({ key, value: String(value) })));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusOnErrors(formRef, failure);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setErrors([]);
    setFailure(undefined);
    const body = {
      name,
      phone: phone.trim() === '' ? null : phone,
      ...(status.trim() !== '' && { status: status.trim() }),
      attributes: toAttributes(rows, customer?.attributes ?? {}),
    };
    try {
      const saved = customer
        ? need(await api.PATCH('/api/v1/customers/{id}', { params: { path: { id: customer.id } }, body })).data
        : // `data` is left out only when the request asks for `Prefer: return=minimal`; this one does not.
          need(await api.POST('/api/v1/customers', { body })).data![0]!;
      onSaved(saved);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      if (error instanceof ApiError) setErrors(error.errors);
    } finally {
      setBusy(false);
    }
  }

  const setRow = (index: number, change: Partial<AttributeRow>) => setRows((all) => all.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const nameErrors = messagesFor(errors, 'name');
  const phoneErrors = messagesFor(errors, 'phone');
  const statusErrors = messagesFor(errors, 'status');
  const rowKeys = new Set(rows.map((row) => `attributes.${row.key.trim()}`));
  const otherAttributeErrors = errors.filter((e) => (e.field === 'attributes' || e.field.startsWith('attributes.')) && !rowKeys.has(e.field)).map((e) => e.message);
  return (
    <Dialog title={customer ? t('customers.edit', { name: customer.name }) : t('customers.add')} onClose={onClose}>
      <form ref={formRef} onSubmit={save} noValidate>
        {failure && (
          <p class="alert" role="alert">
            {failure}
          </p>
        )}
        <Field inputId="customer-name" label={t('customers.name')} messages={nameErrors}>
          <input {...describedBy('customer-name', nameErrors)} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" required />
        </Field>
        <Field inputId="customer-phone" label={t('customers.phone')} hint={t('customers.phoneHint')} messages={phoneErrors}>
          <input {...describedBy('customer-phone', phoneErrors, true)} type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} autoComplete="off" />
        </Field>
        <Field inputId="customer-status" label={t('customers.status')} hint={t('customers.statusHint')} messages={statusErrors}>
          <input {...describedBy('customer-status', statusErrors, true)} value={status} onInput={(e) => setStatus(e.currentTarget.value)} autoComplete="off" />
        </Field>
        <fieldset class="attributes">
          <legend>{t('customers.attributes')}</legend>
          <p class="hint">{t('customers.attributesHint')}</p>
          {rows.map((row, index) => {
            const rowErrors = messagesFor(errors, `attributes.${row.key.trim()}`);
            const keyId = `attribute-key-${index}`;
            return (
              <div class="attribute-row" key={index}>
                <div>
                  <label for={keyId}>{t('customers.attributeKey', { n: index + 1 })}</label>
                  <input {...describedBy(keyId, rowErrors)} value={row.key} onInput={(e) => setRow(index, { key: e.currentTarget.value })} autoComplete="off" />
                </div>
                <div>
                  <label for={`attribute-value-${index}`}>{t('customers.attributeValue', { n: index + 1 })}</label>
                  <input id={`attribute-value-${index}`} value={row.value} onInput={(e) => setRow(index, { value: e.currentTarget.value })} autoComplete="off" />
                </div>
                <button type="button" class="remove" aria-label={t('customers.attributeRemove', { n: index + 1 })} onClick={() => setRows((all) => all.filter((_, i) => i !== index))}>
                  ×
                </button>
                <FieldMessages id={`${keyId}-error`} messages={rowErrors} />
              </div>
            );
          })}
          <FieldMessages id="attributes-error" messages={otherAttributeErrors} />
          <button type="button" onClick={() => setRows((all) => [...all, { key: '', value: '' }])}>
            {t('customers.attributeAdd')}
          </button>
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
