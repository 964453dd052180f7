/** The new-blast form's state, and how it becomes the API's request. Pure: no DOM, no calls. */
import type { FieldError } from '../../api/client';
import type { BlastRequest } from '../../api/types';

export type Audience = 'all' | 'selected' | 'filter';

export interface BlastForm {
  audience: Audience;
  customerIds: number[];
  status: string;
  attributes: { key: string; value: string }[];
  message: string;
  title: string;
  /** A datetime-local value (the browser's zone), or ''. */
  sendAt: string;
  quietHours: string;
  senderIds: number[];
}

export const EMPTY_FORM: BlastForm = {
  audience: 'all',
  customerIds: [],
  status: '',
  attributes: [],
  message: '',
  title: '',
  sendAt: '',
  quietHours: '',
  senderIds: [],
};

/** The JSON request for the form (preview and send take the same body). */
export function toRequest(form: BlastForm): BlastRequest {
  const request: BlastRequest = { target_type: form.audience, message: form.message };
  if (form.audience === 'selected') request.customer_ids = form.customerIds;
  if (form.audience === 'filter') {
    const filter: NonNullable<BlastRequest['filter_params']> = {};
    if (form.status) filter.status = form.status;
    const attributes = form.attributes.filter((a) => a.key);
    if (attributes.length) filter.attributes = Object.fromEntries(attributes.map((a) => [a.key, a.value]));
    request.filter_params = filter;
  }
  if (form.title.trim()) request.title = form.title.trim();
  if (form.sendAt) request.send_at = new Date(form.sendAt).toISOString();
  if (form.quietHours.trim()) request.quiet_hours = form.quietHours.trim();
  if (form.senderIds.length) request.sender_ids = form.senderIds;
  return request;
}

/** JSON fields travel as JSON text in multipart (src/blasts/blast-request.ts reads them back). */
export function toFormData(request: BlastRequest, image: File): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    data.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  data.append('image', image);
  return data;
}

/**
 * The server's field errors by the form's input they belong to: `filter_params.status` → the
 * status select, `filter_params.attributes.city` → that attribute, `customer_ids[3]` → the picker.
 */
export function errorsByInput(errors: FieldError[]): { byInput: Record<string, string>; other: string[] } {
  const byInput: Record<string, string> = {};
  const other: string[] = [];
  for (const error of errors) {
    const field = error.field.replace(/^body\.?/, '');
    const input =
      /^customer_ids/.test(field) ? 'customer_ids'
      : /^filter_params\.status/.test(field) ? 'filter_status'
      : /^filter_params/.test(field) ? 'filter_params'
      : /^(message|template)/.test(field) ? 'message'
      : /^sender_ids/.test(field) ? 'sender_ids'
      : ['target_type', 'title', 'send_at', 'quiet_hours', 'image'].includes(field) ? field
      : undefined;
    if (input) byInput[input] = byInput[input] ? `${byInput[input]}; ${error.message}` : error.message;
    else other.push(`${error.field}: ${error.message}`);
  }
  return { byInput, other };
}
