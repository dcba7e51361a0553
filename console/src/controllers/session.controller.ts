/**
 * Who is signed in. The tenant key is kept in sessionStorage (this tab only, gone when it closes)
 * with the tenant it manages, which `GET /admin/v1/whoami` tells (a key does not name its tenant).
 * A 401 from any later call means the key was revoked: the console signs out and says so.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TenantView } from '@chat/shared';
import { AdminClient, whoami } from '../api/admin-client.js';
import { AdminError } from '../api/admin-error.js';

export type SignInProblem = 'empty' | 'wrong' | 'operator' | 'revoked' | 'unreachable' | 'signed-out' | 'other';

export type SessionState =
  | { kind: 'restoring' }
  | { kind: 'signed-out'; problem?: SignInProblem; message?: string }
  | { kind: 'signing-in' }
  | { kind: 'signed-in'; client: AdminClient; tenant: TenantView };

const STORAGE_KEY = 'chat-console:session';

interface Stored {
  key: string;
  tenantId: string;
}

function readStored(): Stored | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Stored> | null;
    return v && typeof v.key === 'string' && typeof v.tenantId === 'string' ? { key: v.key, tenantId: v.tenantId } : null;
  } catch {
    return null;
  }
}

function writeStored(v: Stored | null): void {
  try {
    if (v) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(v));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: the session lasts as long as the page
  }
}

export class SessionController implements ReactiveController {
  state: SessionState = { kind: 'restoring' };

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The gateway's origin (read when first needed: attributes are not there in a constructor). */
    private readonly base: () => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const stored = readStored();
    if (stored) void this.open(stored.key, stored.tenantId);
    else this.set({ kind: 'signed-out' });
  }

  get client(): AdminClient | undefined {
    return this.state.kind === 'signed-in' ? this.state.client : undefined;
  }

  async signIn(rawKey: string): Promise<void> {
    const key = rawKey.trim();
    if (!key) return this.set({ kind: 'signed-out', problem: 'empty' });
    this.set({ kind: 'signing-in' });
    let tenantId: string | null;
    try {
      tenantId = (await whoami(this.base(), key)).tenantId;
    } catch (e) {
      return this.fail(e, 'wrong');
    }
    if (tenantId === null) return this.set({ kind: 'signed-out', problem: 'operator' });
    await this.open(key, tenantId);
  }

  signOut(problem: SignInProblem = 'signed-out'): void {
    writeStored(null);
    this.set({ kind: 'signed-out', problem });
  }

  /** Check the key still works and load the tenant; keep it for the tab. */
  private async open(key: string, tenantId: string): Promise<void> {
    const client = new AdminClient(this.base(), key, tenantId, () => this.signOut('revoked'));
    try {
      const tenant = await client.tenant();
      writeStored({ key, tenantId });
      this.set({ kind: 'signed-in', client, tenant });
    } catch (e) {
      // A stored key that stopped working was revoked; a typed one was wrong.
      this.fail(e, this.state.kind === 'restoring' ? 'revoked' : 'wrong');
    }
  }

  private fail(e: unknown, unauthorized: SignInProblem): void {
    if (e instanceof AdminError && e.status === 401) {
      writeStored(null);
      return this.set({ kind: 'signed-out', problem: unauthorized });
    }
    if (e instanceof AdminError && e.code === 'network') return this.set({ kind: 'signed-out', problem: 'unreachable' });
    this.set({ kind: 'signed-out', problem: 'other', message: e instanceof Error ? e.message : String(e) });
  }

  private set(state: SessionState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}
