/**
 * The console's only way to the server: the admin API under /admin/v1, with the tenant key as a
 * bearer token. Same origin as the page, so no CORS. Every answer is JSON except the exports
 * (a Blob) and the 204s; a 401 anywhere means the key was revoked, which signs the console out.
 */
import type {
  DeliveryView,
  SiteCreate,
  SitePatch,
  SiteView,
  SubmissionDetail,
  SubmissionListQuery,
  SubmissionPage,
  Template,
  TemplateBody,
  TemplateSaved,
  TemplateSummary,
  TenantView,
  WebhookPut,
  WebhookTestResult,
  WebhookView,
} from '@chat/shared';
import { AdminError, toAdminError } from './admin-error.js';

export interface WhoAmI {
  actor: string;
  tenantId: string | null;
}

export interface PreviewToken {
  token: string;
  expiresAt: string;
}

export type ExportFormat = 'csv' | 'ndjson';
export type SubmissionFilter = Omit<SubmissionListQuery, 'limit' | 'cursor'>;

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function request(base: string, key: string, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  // Bodiless POSTs carry no content-type: the gateway reads `application/json` with no body as bad JSON.
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}/admin/v1${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new AdminError('network', e instanceof Error ? e.message : String(e), 0);
  }
  if (!res.ok) throw await toAdminError(res);
  return res;
}

/** Which tenant a key manages (before there is a client: sign-in). */
export async function whoami(base: string, key: string): Promise<WhoAmI> {
  return (await (await request(base, key, 'GET', '/whoami')).json()) as WhoAmI;
}

export class AdminClient {
  constructor(
    readonly base: string,
    readonly key: string,
    readonly tenantId: string,
    /** Called when the server no longer knows the key (revoked while signed in). */
    private readonly onUnauthorized: (e: AdminError) => void = () => {},
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await request(this.base, this.key, method, `/tenants/${enc(this.tenantId)}${path}`, body);
    } catch (e) {
      if (e instanceof AdminError && e.status === 401) this.onUnauthorized(e);
      throw e;
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.call(method, path, body)).json()) as T;
  }

  tenant = () => this.json<TenantView>('GET', '');

  sites = async () => (await this.json<{ items: SiteView[] }>('GET', '/sites')).items;
  createSite = (body: SiteCreate) => this.json<SiteView>('POST', '/sites', body);
  patchSite = (id: string, body: SitePatch) => this.json<SiteView>('PATCH', `/sites/${enc(id)}`, body);
  deleteSite = async (id: string) => void (await this.call('DELETE', `/sites/${enc(id)}`));

  templates = async () => (await this.json<{ items: TemplateSummary[] }>('GET', '/templates')).items;
  template = (id: string, version?: number) => this.json<Template>('GET', `/templates/${enc(id)}${query({ version })}`);
  publishTemplate = (id: string, body: TemplateBody) => this.json<TemplateSaved>('PUT', `/templates/${enc(id)}`, body);
  previewToken = (template: TemplateBody) => this.json<PreviewToken>('POST', '/preview-token', { template });

  submissions = (q: SubmissionListQuery) => this.json<SubmissionPage>('GET', `/submissions${query({ ...q })}`);
  submission = (id: string) => this.json<SubmissionDetail>('GET', `/submissions/${enc(id)}?transcript=1`);
  eraseSubmission = async (id: string) => void (await this.call('DELETE', `/submissions/${enc(id)}`));
  /** The export as a file: the whole filtered set, streamed by the server. */
  exportSubmissions = async (format: ExportFormat, filter: SubmissionFilter) =>
    (await this.call('GET', `/submissions/export${query({ ...filter, format })}`)).blob();

  /** null when no webhook is set. */
  webhook = async (): Promise<WebhookView | null> => {
    try {
      return await this.json<WebhookView>('GET', '/webhook');
    } catch (e) {
      if (e instanceof AdminError && e.code === 'not_found') return null;
      throw e;
    }
  };
  saveWebhook = (body: WebhookPut) => this.json<WebhookView>('PUT', '/webhook', body);
  deleteWebhook = async () => void (await this.call('DELETE', '/webhook'));
  testWebhook = () => this.json<WebhookTestResult>('POST', '/webhook/test');
  rotateWebhookSecret = () => this.json<WebhookView>('POST', '/webhook/rotate-secret');
  deliveries = async () => (await this.json<{ items: DeliveryView[] }>('GET', '/webhook/deliveries')).items;
}
