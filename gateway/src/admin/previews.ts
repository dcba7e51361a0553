/**
 * Console previews: a draft template tried in the real widget before it is published. The draft is
 * kept under a random id (`gw:preview:{<id>}`, PREVIEW_TTL_S) and a platform token names that id;
 * a chat turn with such a token runs the draft as if it were a site's template. Preview sessions
 * record no site, so they never become leads and send no webhooks.
 */
import { randomBytes } from 'node:crypto';
import { AppError, validateTemplate, type Template, type TemplateBody } from '@chat/shared';
import type { Kv } from '../plugins/redis.js';
import type { Visitor } from '../plugins/auth.js';
import type { Site } from '../tenants.js';

const key = (id: string) => `gw:preview:{${id}}`;

export class Previews {
  constructor(private readonly kv: Kv, private readonly ttlS: number) {}

  /** Check and keep a draft; returns its id. */
  async create(tenantId: string, draft: TemplateBody): Promise<string> {
    if (typeof draft !== 'object' || draft === null || Array.isArray(draft)) throw new AppError('invalid_template', 'The template must be a JSON object.');
    const r = validateTemplate({ ...draft, id: 'preview', version: 1 });
    if (!r.ok) throw new AppError('invalid_template', `The template is invalid at ${r.errors[0]!.path}: ${r.errors[0]!.message}`, r.errors);
    const id = randomBytes(16).toString('base64url');
    await this.kv.hashSet(key(id), { tenantId, template: JSON.stringify(r.template) }, this.ttlS);
    return id;
  }

  /** The stand-in site of a preview token: the draft, for the token's tenant only. */
  async site(visitor: Visitor): Promise<Site | undefined> {
    const h = visitor.preview ? await this.kv.hashGetAll(key(visitor.preview)) : null;
    if (!h || h.tenantId !== visitor.tenantId || !h.template) return undefined;
    return { id: '', siteKey: '', origins: [], template: JSON.parse(h.template) as Template, tenantId: visitor.tenantId, allowedContext: [] };
  }
}
