/**
 * How the gateway checks requests against route schemas: bodies, params and headers strictly (no
 * coercion, nothing removed, unknown properties refused where a schema says so), query strings
 * coerced, since every query value arrives as text (`?limit=50` is the integer 50). One rule for the
 * public and the admin API.
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats ships CJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const options = { removeAdditional: false, allErrors: false, useDefaults: true, allowUnionTypes: true, strict: false } as const;
const strict = addFormats(new Ajv({ ...options, coerceTypes: false }));
const coercing = addFormats(new Ajv({ ...options, coerceTypes: true }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'querystring' ? coercing : strict).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
