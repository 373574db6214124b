import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { errors, IdParam, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { CallLinking } from './linking.js';
import { CallSchema } from './types.js';

const tags = ['Calls'];

export const CallLinksSchema = z
  .object({
    conversationId: z.uuid().nullable().meta({ description: 'The id of the conversation (its earliest record); null when the record is linked to none' }),
    primaryId: z.uuid().meta({ description: 'The record lists and stats show for the conversation' }),
    rule: z
      .object({ enabled: z.boolean(), windowSeconds: z.number().int() })
      .meta({ description: "The site's `calls.linking` setting: records of different sources with the same remote E.164 that start at most `windowSeconds` apart and overlap in time are linked" }),
    members: z.array(z.object({ call: CallSchema, deltaSeconds: z.number().meta({ description: "This record's start minus the primary's, in seconds" }) })).meta({ description: 'Every record of the conversation, earliest first (the record alone when it is linked to none)' }),
  })
  .meta({ id: 'CallLinks' });

/** `GET` and `DELETE /calls/{id}/links`: one call's records of several sources, and undoing a link. */
export function callLinkRoutes(linking: CallLinking) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls/{id}/links',
      tags,
      summary: "A call's conversation: its records of every source",
      description: 'How the record was linked with records of other sources (see `calls.linking`), with each start relative to the primary record. 404 when unknown or in another site.',
      request: { params: IdParam },
      responses: { 200: json(CallLinksSchema, 'The conversation'), 404: errors[404] },
    }),
    async (c) => c.json(await linking.links(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calls/{id}/links',
      tags,
      summary: 'Unlink a record from its conversation',
      description:
        'The record stands alone again (its own primary) and is never linked with the conversation\'s other records again; they stay linked (one left alone is unlinked too). Writes an audit row `call.unlinked`. 409 `DIALBOOK_CALL_NOT_LINKED` when the record is linked to none.',
      request: { params: IdParam },
      responses: { 204: { description: 'Unlinked' }, 404: errors[404], 409: errors[409] },
    }),
    async (c) => {
      await linking.unlink(c.req.valid('param').id, c.var.actor);
      return c.body(null, 204);
    },
  );

  return app;
}
