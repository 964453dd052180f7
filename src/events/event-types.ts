/** Every event the service pushes to subscribers (docs/webhooks.md describes each one's data). */
export const EVENT_TYPES = [
  'blast.queued',
  'blast.started',
  'blast.completed',
  'blast.failed',
  'blast.cancelled',
  'blast.paused',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'customer.opted_out',
  'sender.paused',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** An event about to be written to the outbox; `blastId` orders a blast's events. */
export interface NewEvent {
  type: EventType;
  blastId?: number | null;
  data: Record<string, unknown>;
}
