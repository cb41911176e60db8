/**
 * `GET /apps` answers the busiest route of the examples: a list of every active app with the caller's claim.
 * Both servers serialise it from its OpenAPI schema with fast-json-stringify, compiled once, instead of
 * `JSON.stringify` on every request, which walks the objects generically and converts each Date through
 * `toJSON` (about four times slower on 20 apps). The schema is the one `GET /openapi.json` publishes, so the
 * answer cannot drift from the documentation, and a field the schema does not name is never sent.
 */
import fastJson from 'fast-json-stringify';
import type { AppListing } from '../../src/index.js';
import { openApiDocument } from './openapi.js';

/** The JSON schema of the `GET /apps` answer, `{ items: AppListing[] }`, as the OpenAPI document has it. */
export const appListSchema = (openApiDocument() as { components: { schemas: { AppList: object } } }).components.schemas
  .AppList;

/** Serialises a `GET /apps` answer with {@link appListSchema}. */
export const serializeAppList: (body: { items: readonly AppListing[] }) => string = fastJson(appListSchema);
