/**
 * Console previews: a draft template tried in the real widget before it is published. The draft is
 * kept under a random id (`gw:preview:{<id>}`, PREVIEW_TTL_S) and a platform token names that id;
 * a chat turn with such a token runs the draft as if it were a site's template. Preview sessions
 * record no site, so they never become leads and send no webhooks.
 */
import { randomBytes } from 'node:crypto';
import type { Template, TemplateBody } from '@chat/shared';
import { checkTemplateBody } from './back-office.js';
import type { Kv } from '../plugins/redis.js';
import type { Visitor } from '../plugins/auth.js';
import type { Site } from '../tenants.js';

const key = (id: string) => `gw:preview:{${id}}`;

export class Previews {
  constructor(
    private readonly kv: Kv,
    private readonly ttlS: number,
  ) {}

  /** Check and keep a draft; returns its id. */
  async create(tenantId: string, draft: TemplateBody): Promise<string> {
    const template = checkTemplateBody(draft, 'preview', 1);
    const id = randomBytes(16).toString('base64url');
    await this.kv.hashSet(key(id), { tenantId, template: JSON.stringify(template) }, this.ttlS);
    return id;
  }

  /** The stand-in site of a preview token: the draft, for the token's tenant only. */
  async site(visitor: Visitor): Promise<Site | undefined> {
    const h = visitor.preview ? await this.kv.hashGetAll(key(visitor.preview)) : null;
    if (!h || h.tenantId !== visitor.tenantId || !h.template) return undefined;
    return { id: '', siteKey: '', origins: [], template: JSON.parse(h.template) as Template, tenantId: visitor.tenantId, allowedContext: [] };
  }
}
