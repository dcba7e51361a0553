/**
 * Visitor identity. Two kinds of token, both HS256 and nothing else:
 * - platform tokens, minted by `POST /v1/token` with JWT_SECRET (`iss` = JWT_ISSUER);
 * - customer tokens, minted on a tenant's backend with its `identitySecret` (`iss` = the tenant id),
 *   whose `sub` is the customer's own user id (identity verification).
 * The unverified `iss`/`tid` only choose which key and rules to verify with; every claim is then
 * checked by @fastify/jwt's verifier with exactly that key (a tenant's: its current identity secret).
 */
import fp from 'fastify-plugin';
import fastifyJwt, { type JWT } from '@fastify/jwt';
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '@chat/shared';
import type { Config } from '../config.js';
import type { Site, TenantRegistry } from '../tenants.js';

export interface Visitor {
  tenantId: string;
  siteId: string;
  sub: string;
  /** Who signed the token: the platform or the tenant's backend. */
  issuer: 'platform' | 'customer';
  /** A console preview's id: the session runs a draft template and never becomes a lead. */
  preview?: string;
}

/** The `site` claim of a preview token: no real site has it (site ids are `[a-z0-9][a-z0-9_-]*`). */
export const PREVIEW_SITE = '~preview';
const PREVIEW_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The rate-limit key of an authenticated request's visitor (per tenant: subs are the tenant's). */
export const visitorKey = (req: FastifyRequest): string => {
  const v = req.visitor as Visitor;
  return `${v.tenantId}:${v.sub}`;
};

export interface PreviousVisitor {
  sub: string;
  /** The original issue time of the refresh chain (seconds). */
  oiat: number;
}

export interface MintedToken {
  token: string;
  /** ISO 8601 */
  expiresAt: string;
  sub: string;
}

interface Claims {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  tid?: unknown;
  site?: unknown;
  prv?: unknown;
  /** Platform tokens: when the first token of a refresh chain was issued (seconds). */
  oiat?: unknown;
  iat?: unknown;
  exp?: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid bearer token; sets `request.visitor`. */
    authenticate: (request: FastifyRequest) => Promise<void>;
    /** A platform token; `previous` (from `previousVisitor`) continues that visitor's chain: same sub, same `oiat`. */
    mintVisitorToken: (site: Site, previous?: PreviousVisitor) => MintedToken;
    /** A platform token for a console preview of `tenantId` (see routes/preview in the admin API). */
    mintPreviewToken: (tenantId: string, previewId: string) => MintedToken;
    /** The visitor of a platform token for this site, valid or expired within the refresh grace, whose chain is not over. */
    previousVisitor: (request: FastifyRequest, site: Site) => PreviousVisitor | undefined;
  }
  interface FastifyRequest {
    visitor: Visitor | null;
  }
}

export interface AuthPluginOptions {
  config: Config;
  tenants: TenantRegistry;
}

const SUB = /^[A-Za-z0-9._:@|-]{1,128}$/;
const PLATFORM_NS = 'platform';

function bearer(request: FastifyRequest, maxBytes: number): string {
  const h = request.headers.authorization;
  if (!h) throw new AppError('unauthorized', 'Missing Authorization: Bearer <token>.');
  const m = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(h);
  if (!m) throw new AppError('unauthorized', 'Authorization must be "Bearer <token>".');
  // Checked before any decoding, so a huge token costs nothing.
  if (m[1]!.length > maxBytes) throw new AppError('unauthorized', 'The token is too large.');
  return m[1]!;
}

export default fp<AuthPluginOptions>(
  async (app, { config, tenants }) => {
    const base = {
      algorithms: ['HS256' as const],
      allowedAud: config.jwtAudience,
      clockTolerance: config.jwtClockToleranceS * 1000,
      maxAge: config.tokenMaxAgeS, // seconds: @fastify/jwt converts
    };
    const required = ['iss', 'aud', 'sub', 'tid', 'site', 'iat', 'exp'];

    await app.register(fastifyJwt, {
      namespace: PLATFORM_NS,
      jwtVerify: 'platformJwtVerify',
      jwtSign: 'platformJwtSign',
      jwtDecode: 'platformJwtDecode',
      secret: config.jwtSecret,
      sign: { algorithm: 'HS256', iss: config.jwtIssuer, aud: config.jwtAudience, expiresIn: config.tokenTtlS },
      verify: { ...base, allowedIss: config.jwtIssuer, requiredClaims: [...required, 'jti'] },
      decode: { complete: true },
    });
    const jwts = app.jwt as unknown as Record<string, JWT>;
    const platform = jwts[PLATFORM_NS]!;

    // Tenants come and go while the gateway runs (the back office): a customer token is verified with
    // its tenant's identity secret as it is now, under the platform's rules but its own issuer (the
    // tenant id) and no `jti` required.
    function tenantVerifier(tid: string): ((t: string) => Claims) | undefined {
      const key = tenants.tenants.get(tid)?.identitySecret;
      if (!key) return undefined;
      return (t: string) => platform.verify<Claims>(t, { key, allowedIss: tid, requiredClaims: required });
    }

    /** Verify a token whose signer is chosen by its unverified claims; every check is the verifier's. */
    function verify(token: string): Visitor {
      let unverified: Claims;
      try {
        unverified = (platform.decode(token, { complete: true }) as { payload: Claims }).payload;
      } catch {
        throw new AppError('unauthorized', 'The token is malformed.');
      }
      const fromPlatform = unverified.iss === config.jwtIssuer;
      const verifier = fromPlatform
        ? (t: string) => platform.verify<Claims>(t)
        : typeof unverified.tid === 'string'
          ? tenantVerifier(unverified.tid)
          : undefined;
      if (!verifier) throw new AppError('unauthorized', 'The token has an unknown issuer.');
      let claims: Claims;
      try {
        claims = verifier(token);
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        throw new AppError('unauthorized', code.includes('EXPIRED') ? 'The token has expired.' : 'The token is invalid.');
      }
      const { sub, tid, site } = claims;
      if (typeof sub !== 'string' || !SUB.test(sub) || typeof tid !== 'string' || typeof site !== 'string')
        throw new AppError('unauthorized', 'The token claims are invalid.');
      // Issued in the future (beyond the clock tolerance): refused, or `iat` would stretch every age check.
      if (typeof claims.iat !== 'number' || claims.iat > Date.now() / 1000 + config.jwtClockToleranceS)
        throw new AppError('unauthorized', 'The token is invalid: issued in the future.');
      // A customer's token may not live longer than TOKEN_MAX_AGE_S from its issue.
      if (!fromPlatform && (typeof claims.exp !== 'number' || claims.exp - claims.iat > config.tokenMaxAgeS))
        throw new AppError('unauthorized', 'The token is invalid: its lifetime is over TOKEN_MAX_AGE_S.');
      if (site === PREVIEW_SITE) {
        // Only the platform mints previews (for an admin key holder), and only for a live tenant.
        if (!fromPlatform || typeof claims.prv !== 'string' || !PREVIEW_ID.test(claims.prv) || !tenants.tenants.has(tid))
          throw new AppError('unauthorized', 'The token claims are invalid.');
        return { tenantId: tid, siteId: site, sub, issuer: 'platform', preview: claims.prv };
      }
      if (!tenants.site(tid, site)) throw new AppError('unauthorized', 'The token names an unknown site.');
      return { tenantId: tid, siteId: site, sub, issuer: fromPlatform ? 'platform' : 'customer' };
    }

    app.decorateRequest('visitor', null);

    app.decorate('authenticate', async (request: FastifyRequest) => {
      request.visitor = verify(bearer(request, config.maxTokenBytes));
    });

    app.decorate('mintVisitorToken', (site: Site, previous?: PreviousVisitor): MintedToken => {
      const visitorSub = previous?.sub ?? `v_${randomBytes(16).toString('base64url')}`;
      const nowS = Math.floor(Date.now() / 1000);
      const oiat = previous?.oiat ?? nowS;
      // Refreshing never outlives the chain: the last token expires TOKEN_MAX_LIFETIME_S after the first was issued.
      const expiresIn = Math.max(1, Math.min(config.tokenTtlS, oiat + config.tokenMaxLifetimeS - nowS));
      const token = platform.sign({ sub: visitorSub, tid: site.tenantId, site: site.id, oiat, jti: randomUUID() }, { expiresIn });
      const { exp } = (platform.decode(token, { complete: true }) as { payload: { exp: number } }).payload;
      return { token, expiresAt: new Date(exp * 1000).toISOString(), sub: visitorSub };
    });

    app.decorate('mintPreviewToken', (tenantId: string, previewId: string): MintedToken => {
      const sub = `preview_${randomBytes(12).toString('base64url')}`;
      const token = platform.sign({ sub, tid: tenantId, site: PREVIEW_SITE, prv: previewId, jti: randomUUID() });
      const { exp } = (platform.decode(token, { complete: true }) as { payload: { exp: number } }).payload;
      return { token, expiresAt: new Date(exp * 1000).toISOString(), sub };
    });

    app.decorate('previousVisitor', (request: FastifyRequest, site: Site): PreviousVisitor | undefined => {
      if (!request.headers.authorization) return undefined;
      try {
        const token = bearer(request, config.maxTokenBytes);
        // Same key and claims rules, but an expired token still proves which visitor this was.
        const claims = platform.verify<Claims>(token, { ignoreExpiration: true, maxAge: config.tokenTtlS + config.tokenRefreshGraceS });
        if (typeof claims.exp !== 'number' || claims.exp + config.tokenRefreshGraceS < Date.now() / 1000) return undefined;
        if (claims.tid !== site.tenantId || claims.site !== site.id) return undefined;
        if (typeof claims.sub !== 'string' || !SUB.test(claims.sub) || typeof claims.iat !== 'number') return undefined;
        // A token from before `oiat` was carried started its chain at its own issue time.
        const oiat = typeof claims.oiat === 'number' && claims.oiat <= claims.iat ? claims.oiat : claims.iat;
        // The chain is over: the next token is a new visitor's.
        if (oiat + config.tokenMaxLifetimeS <= Date.now() / 1000) return undefined;
        return { sub: claims.sub, oiat };
      } catch {
        return undefined;
      }
    });
  },
  { name: 'auth' },
);
