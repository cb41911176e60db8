/**
 * zod as Fastify's schema language: a type provider (so `request.body` has the schema's output type) and the
 * validator compiler that runs the schemas. A failed check is the domain's `VALIDATION` error naming each field.
 */
import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import { validationError } from 'tickwork';
import type { z } from 'zod';

/** Types route handlers from the zod schemas in their `schema` option. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  /** The parsed (output) type of a zod schema. */
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  /** The input type of a zod schema. */
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/**
 * Validates a request part with its zod schema and replaces it with the parsed value (defaults applied,
 * strings trimmed). Body fields are named as they are; query and path fields with a `query.`/`params.` prefix.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const where = httpPart === 'querystring' ? 'query' : httpPart === 'params' ? 'params' : undefined;
  return (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: validationError(result.error, 'request', where) };
  };
};
