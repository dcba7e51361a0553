/**
 * Where the back office keeps what a tenant owns: one JSON document per tenant (sites, template
 * versions' index, webhook, key hashes) plus the template versions themselves, in Redis or, for
 * trying things without Redis, in this process.
 *
 * Redis layout, every key under the `{reg}` hash tag so a write is one script on one cluster slot:
 * - `bo:{reg}:tenants`       hash  tenant id -> document JSON
 * - `bo:{reg}:revs`          hash  tenant id -> revision (compare-and-set on every write)
 * - `bo:{reg}:tpl:<tenant>`  hash  `<templateId>@<version>` -> template JSON (immutable)
 * - `bo:{reg}:version`       the registry's version: +1 on every write, published on `bo:registry`
 * Audit entries: `bo:audit:{t:<tenant>}`, a capped stream per tenant.
 */
import { EventEmitter } from 'node:events';
import type { AuditEntry, SiteView, Template, TenantLimitsInput, WebhookEventType } from '@chat/shared';
import { defineLua, runScript, type ScriptRunner } from '@chat/shared/server';
import { guarded } from '../redis-client.js';

/** A site as stored: what the API shows of it, keyed by its id. `template` names a template of the tenant. */
export type SiteDoc = Omit<SiteView, 'id'>;

export interface WebhookDoc {
  url: string;
  events: WebhookEventType[];
  allowPrivateNetwork: boolean;
  /** The first signs; a rotated-out one keeps signing alongside until `expiresAt` (ms). */
  secrets: Array<{ secret: string; expiresAt?: number }>;
}

export interface TenantDoc {
  id: string;
  name: string;
  /** For customer-minted visitor tokens (identity verification); from the seed file. */
  identitySecret?: string;
  limits?: TenantLimitsInput;
  sites: Record<string, SiteDoc>;
  templates: Record<string, { latest: number; updatedAt: string }>;
  webhook?: WebhookDoc;
  /** API keys by id: only their SHA-256 is kept. */
  keys: Record<string, { hash: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface StoredTenant {
  doc: TenantDoc;
  rev: number;
}

export interface TemplateWrite {
  id: string;
  version: number;
  template: Template;
}

export interface RegistryStore {
  readonly kind: 'redis' | 'memory';
  version(): Promise<number>;
  /** Every tenant with the latest version of each of its templates. */
  loadAll(): Promise<{ version: number; tenants: Array<StoredTenant & { templates: Map<string, Template> }> }>;
  getTenant(id: string): Promise<StoredTenant | null>;
  /** Write (or with `doc` null delete) a tenant if its revision is still `rev` (0: absent). False: lost a race. */
  commit(id: string, rev: number, doc: TenantDoc | null, templates?: TemplateWrite[]): Promise<boolean>;
  getTemplate(tenantId: string, id: string, version: number): Promise<Template | null>;
  /** Called (with no argument) after any change by any process. */
  subscribe(onChange: () => void): Promise<void>;
  appendAudit(tenantId: string, entry: Omit<AuditEntry, 'id'>): Promise<void>;
  readAudit(tenantId: string, limit: number): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export const CHANNEL = 'bo:registry';
const TENANTS = 'bo:{reg}:tenants';
const REVS = 'bo:{reg}:revs';
const VERSION = 'bo:{reg}:version';
const tplKey = (tenantId: string) => `bo:{reg}:tpl:${tenantId}`;
const auditKey = (tenantId: string) => `bo:audit:{t:${tenantId}}`;
const tplField = (id: string, version: number) => `${id}@${version}`;

// KEYS: tenants, revs, version, templates of the tenant. ARGV: id, expected rev, doc ('' deletes),
// channel, then template field/value pairs.
const COMMIT = defineLua(
  'registryCommit',
  `
local rev = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if rev ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('DEL', KEYS[4])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('HSET', KEYS[2], ARGV[1], rev + 1)
  for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
end
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[4], v)
return 1`,
);

/** The scripts a client the registry store uses must be created with (newRedisClient's `scripts`). */
export const REGISTRY_SCRIPTS = [COMMIT];

/** The node-redis commands used here: a single client and a cluster client both fit. */
export interface RegistryRedis extends ScriptRunner {
  get(key: string): Promise<string | null>;
  hGetAll(key: string): Promise<unknown>;
  hGet(key: string, field: string): Promise<string | null | undefined>;
  hmGet(key: string, fields: string[]): Promise<Array<string | null>>;
  xAdd(key: string, id: string, msg: Record<string, string>, opts?: unknown): Promise<string>;
  xRevRange(key: string, end: string, start: string, opts?: { COUNT: number }): Promise<Array<{ id: string; message: Record<string, string> }>>;
  duplicate(): RegistryRedis & {
    connect(): Promise<unknown>;
    subscribe(ch: string, fn: (msg: string) => void): Promise<unknown>;
    close(): Promise<unknown>;
    on(ev: 'error', fn: (e: Error) => void): unknown;
    readonly isOpen: boolean;
  };
}

export function redisRegistryStore(client: RegistryRedis, opts: { auditMax: number; onError: (e: Error) => void }): RegistryStore {
  let subscriber: ReturnType<RegistryRedis['duplicate']> | undefined;
  const parseTemplate = (json: string | null | undefined) => (json ? (JSON.parse(json) as Template) : null);
  return {
    kind: 'redis',
    version: () => guarded(async () => Number((await client.get(VERSION)) ?? 0)),
    loadAll: () =>
      guarded(async () => {
        const version = Number((await client.get(VERSION)) ?? 0);
        const [docs, revs] = (await Promise.all([client.hGetAll(TENANTS), client.hGetAll(REVS)])) as Array<Record<string, string>>;
        const tenants = await Promise.all(
          Object.entries(docs!).map(async ([id, json]) => {
            const doc = JSON.parse(json) as TenantDoc;
            const ids = Object.keys(doc.templates);
            const values = ids.length
              ? await client.hmGet(
                  tplKey(id),
                  ids.map((t) => tplField(t, doc.templates[t]!.latest)),
                )
              : [];
            const templates = new Map<string, Template>();
            ids.forEach((t, i) => {
              const tpl = parseTemplate(values[i]);
              if (tpl) templates.set(t, tpl);
            });
            return { doc, rev: Number(revs![id] ?? 0), templates };
          }),
        );
        return { version, tenants };
      }),
    getTenant: (id) =>
      guarded(async () => {
        const [json, rev] = await Promise.all([client.hGet(TENANTS, id), client.hGet(REVS, id)]);
        return json ? { doc: JSON.parse(json) as TenantDoc, rev: Number(rev ?? 0) } : null;
      }),
    commit: (id, rev, doc, templates = []) =>
      guarded(async () => {
        const args = [
          id,
          String(rev),
          doc ? JSON.stringify(doc) : '',
          CHANNEL,
          ...templates.flatMap((t) => [tplField(t.id, t.version), JSON.stringify(t.template)]),
        ];
        return (await runScript(client, COMMIT, [TENANTS, REVS, VERSION, tplKey(id)], args)) === 1;
      }),
    getTemplate: (tenantId, id, version) => guarded(async () => parseTemplate(await client.hGet(tplKey(tenantId), tplField(id, version)))),
    async subscribe(onChange) {
      subscriber = client.duplicate();
      subscriber.on('error', opts.onError);
      await subscriber.connect();
      await subscriber.subscribe(CHANNEL, () => onChange());
    },
    appendAudit: (tenantId, e) =>
      guarded(async () => {
        await client.xAdd(
          auditKey(tenantId),
          '*',
          { actor: e.actor, action: e.action, target: e.target, at: e.at },
          {
            TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: opts.auditMax },
          },
        );
      }),
    readAudit: (tenantId, limit) =>
      guarded(async () =>
        (await client.xRevRange(auditKey(tenantId), '+', '-', { COUNT: limit })).map(({ id, message: m }) => ({
          id,
          actor: m.actor ?? '',
          action: m.action ?? '',
          target: m.target ?? '',
          at: m.at ?? '',
        })),
      ),
    async close() {
      if (subscriber?.isOpen) await subscriber.close();
    },
  };
}

/** The same contract in this process: one gateway, lost on restart. */
export function memoryRegistryStore(opts: { auditMax: number }): RegistryStore {
  const tenants = new Map<string, StoredTenant>();
  const templates = new Map<string, string>();
  const audit = new Map<string, AuditEntry[]>();
  const events = new EventEmitter();
  let version = 0;
  let auditSeq = 0;
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    kind: 'memory',
    version: async () => version,
    async loadAll() {
      return {
        version,
        tenants: [...tenants.values()].map(({ doc, rev }) => {
          const latest = new Map<string, Template>();
          for (const [t, { latest: v }] of Object.entries(doc.templates)) {
            const json = templates.get(`${doc.id}\n${tplField(t, v)}`);
            if (json) latest.set(t, JSON.parse(json) as Template);
          }
          return { doc: copy(doc), rev, templates: latest };
        }),
      };
    },
    async getTenant(id) {
      const t = tenants.get(id);
      return t ? copy(t) : null;
    },
    async commit(id, rev, doc, tpls = []) {
      if ((tenants.get(id)?.rev ?? 0) !== rev) return false;
      if (doc) {
        tenants.set(id, { doc: copy(doc), rev: rev + 1 });
        for (const t of tpls) templates.set(`${id}\n${tplField(t.id, t.version)}`, JSON.stringify(t.template));
      } else {
        tenants.delete(id);
        for (const k of [...templates.keys()]) if (k.startsWith(`${id}\n`)) templates.delete(k);
      }
      version++;
      events.emit('change');
      return true;
    },
    async getTemplate(tenantId, id, v) {
      const json = templates.get(`${tenantId}\n${tplField(id, v)}`);
      return json ? (JSON.parse(json) as Template) : null;
    },
    async subscribe(onChange) {
      events.on('change', onChange);
    },
    async appendAudit(tenantId, e) {
      const list = audit.get(tenantId) ?? [];
      list.push({ id: `${Date.now()}-${auditSeq++}`, ...e });
      if (list.length > opts.auditMax) list.splice(0, list.length - opts.auditMax);
      audit.set(tenantId, list);
    },
    async readAudit(tenantId, limit) {
      return [...(audit.get(tenantId) ?? [])].reverse().slice(0, limit);
    },
    async close() {
      events.removeAllListeners();
    },
  };
}
