/**
 * The admin's session: only the bearer token and its expiry, in sessionStorage (gone when the
 * tab closes; never in a URL, never in localStorage). Components follow it with useSession().
 */
import { useEffect, useState } from 'preact/hooks';

const KEY = 'wb.session';

export interface Session {
  token: string;
  expiresAt: string;
  email: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();
/** Why the admin was sent back to the login page, shown there once. */
let endedBecause: 'expired' | undefined;

function read(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return session && Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

let current = read();

function changed(): void {
  for (const listener of listeners) listener();
}

export function currentSession(): Session | undefined {
  return current;
}

export function startSession(session: Session): void {
  current = session;
  endedBecause = undefined;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  changed();
}

/** Logs out; `expired` when the server refused the token (the login page says so). */
export function endSession(reason?: 'expired'): void {
  if (!current && !reason) return;
  current = undefined;
  endedBecause = reason;
  sessionStorage.removeItem(KEY);
  changed();
}

/** Why the last session ended, if the server ended it. */
export function sessionEndReason(): 'expired' | undefined {
  return endedBecause;
}

export function useSession(): Session | undefined {
  const [session, setSession] = useState(current);
  useEffect(() => {
    const listener = () => setSession(current);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return session;
}
