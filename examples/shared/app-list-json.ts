/**
 * `GET /apps` answers the busiest route of the examples: a list of every active app with the caller's claim.
 * Both servers serialise it from its OpenAPI schema with fast-json-stringify, compiled once, instead of
 * `JSON.stringify` on every request, which walks the objects generically and converts each Date through
 * `toJSON` (about four times slower on 20 apps). The schema is the one `GET /openapi.json` publishes, so the
 * answer cannot drift from the documentation, and a field the schema does not name is never sent.
 *
 * A listing the app service hands out frozen (an unclaimed app of the memory adapter, the same object while
 * its row is stored) cannot change, so its JSON is written once and kept with the object; a changed app is a
 * new object, so nothing kept here can go stale. Every other listing is serialised on every request. The
 * whole answer is kept the same way, for the last list made only of frozen listings.
 */
import fastJson from 'fast-json-stringify';
import type { AppListing } from 'tickwork';
import { openApiDocument } from './openapi.js';

/** The JSON schema of the `GET /apps` answer, `{ items: AppListing[] }`, as the OpenAPI document has it. */
export const appListSchema = (openApiDocument() as { components: { schemas: { AppList: object } } }).components.schemas
  .AppList;

/** The schema of one listing: the `items` of {@link appListSchema}. */
const listingSchema = (appListSchema as { properties: { items: { items: object } } }).properties.items.items;
const serializeListing: (listing: AppListing) => string = fastJson(listingSchema);

/** The JSON of frozen listings, per object; entries go with their objects. */
const frozenListingJson = new WeakMap<AppListing, string>();

function listingJson(listing: AppListing): string {
  if (!Object.isFrozen(listing)) return serializeListing(listing);
  let json = frozenListingJson.get(listing);
  if (json === undefined) {
    json = serializeListing(listing);
    frozenListingJson.set(listing, json);
  }
  return json;
}

/** The last answer made only of frozen listings, and those listings in order. */
let lastFrozenAnswer: { readonly items: readonly AppListing[]; readonly json: string } | undefined;

function sameListings(a: readonly AppListing[], b: readonly AppListing[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Serialises a `GET /apps` answer with {@link appListSchema}. The same frozen listings in the same order give
 * the same string object as last time: besides the work, that spares the server measuring and copying a new
 * 7 kB string per answer (Content-Length of a string it has seen is cheap).
 */
export function serializeAppList(body: { items: readonly AppListing[] }): string {
  const { items } = body;
  if (lastFrozenAnswer !== undefined && sameListings(lastFrozenAnswer.items, items)) return lastFrozenAnswer.json;
  let allFrozen = true;
  const parts: string[] = [];
  for (const listing of items) {
    parts.push(listingJson(listing));
    allFrozen &&= Object.isFrozen(listing);
  }
  const json = `{"items":[${parts.join(',')}]}`;
  if (allFrozen) lastFrozenAnswer = { items: [...items], json };
  return json;
}
