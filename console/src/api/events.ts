/**
 * Follows a blast live from GET /api/v1/whatsapp/blast/:id/events. EventSource cannot send the
 * bearer token, and a token in a URL is forbidden, so this reads the stream with fetch and
 * parses it with eventsource-parser. Reconnects after a dropped connection until stopped.
 */
import { createParser } from 'eventsource-parser';
import { authHeaders, noticeUnauthorized } from './client';
import type { Blast } from './types';

const RECONNECT_MS = 2_000;

/** Calls `onProgress` with each new state of the blast until it is final or `stop()` is called. */
export function followBlast(id: number, onProgress: (blast: Blast) => void): () => void {
  const controller = new AbortController();
  let finished = false;
  const run = async () => {
    while (!finished && !controller.signal.aborted) {
      try {
        const response = await fetch(`/api/v1/whatsapp/blast/${id}/events`, {
          headers: { ...authHeaders(), accept: 'text/event-stream' },
          signal: controller.signal,
        });
        noticeUnauthorized(response);
        if (!response.ok || !response.body) return; // 401 or 404: nothing to follow
        const parser = createParser({
          onEvent(event) {
            if (event.event === 'progress') onProgress(JSON.parse(event.data) as Blast);
            else if (event.event === 'end') finished = true;
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (!finished) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  };
  void run();
  return () => controller.abort();
}
