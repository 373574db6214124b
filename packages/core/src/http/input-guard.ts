import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { unholdableIssues, validationError } from '../base/validate.js';
import { printable, unholdableMessage } from '../base/unholdable.js';
import type { AppEnv } from './env.js';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json(\s*;.*)?$/i;

/**
 * Refuses, for every route it runs in front of (the whole API, plugin routes included), input with a
 * character no field can hold — NUL and the other C0 controls except TAB/LF/CR, unpaired surrogates
 * (also from JSON `\ud800` escapes), U+FFFE and U+FFFF — and JSON nested deeper than any field:
 * a 422 problem naming the field, as the route's own validation would.
 * - path parameters: `param.<name>` (`/phonebooks/{id}/vendors/%00` → `param.vendor`);
 * - query parameters, declared or not: `query.<name>` (`?q=%00` → `query.q`);
 * - a JSON body (or one sent without a content type that parses as JSON), every nested field and key:
 *   its dotted path (`phones.0.number`).
 *
 * A JSON body is read here once (within the body limit, which runs first) and left cached for the
 * route: `c.req.json()`, `text()` and `arrayBuffer()` give what was sent. A body that is not valid JSON
 * is left to the route's validation, which answers as before.
 */
export function inputGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    for (const [name, value] of Object.entries(routeParams(c))) {
      const message = unholdableMessage(value);
      if (message) throw validationError([{ path: [name], message }], 'param');
    }
    const query = Object.entries(c.req.queries());
    const queryIssues = query.flatMap(([name, values]) => {
      const nameMessage = unholdableMessage(name);
      if (nameMessage) return [{ path: [printable(name)], message: `the parameter name ${nameMessage}` }];
      const message = values.map(unholdableMessage).find(Boolean);
      return message ? [{ path: [name], message }] : [];
    });
    if (queryIssues.length) throw validationError(queryIssues, 'query');

    // JSON, declared or sent without a content type (which a handler may still read with `c.req.json()`).
    const type = c.req.header('content-type');
    if (c.req.raw.body && (type === undefined || JSON_TYPE.test(type))) {
      const body = await jsonBody(c);
      if (body.ok) {
        const issues = unholdableIssues(body.value);
        if (issues.length) throw validationError(issues.map((i) => ({ ...i, path: i.path.length ? i.path : ['body'] })));
      }
    }
    await next();
  };
}

/** Every path parameter of the route the request matched, decoded (`%00` → NUL), by name. */
function routeParams(c: Context): Record<string, string> {
  const params: Record<string, string> = {};
  const current = c.req.routeIndex;
  try {
    for (let i = 0; i < matchedRoutes(c).length; i++) {
      c.req.routeIndex = i;
      Object.assign(params, c.req.param() as Record<string, string>);
    }
  } finally {
    c.req.routeIndex = current;
  }
  return params;
}

/** The body parsed as JSON, from the bytes Hono caches for the route (the route reads them again as it likes). */
async function jsonBody(c: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const bytes = await c.req.arrayBuffer();
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    c.req.bodyCache.json = Promise.resolve(value);
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}
