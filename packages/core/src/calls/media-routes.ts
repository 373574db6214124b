import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { errors, IdParam, problemResponse } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { CallRecordings } from './recordings.js';

const tags = ['Calls'];

/** `GET /calls/{id}/recording`: a call's recording or voicemail, streamed through Dialbook. */
export function callMediaRoutes(recordings: CallRecordings) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls/{id}/recording',
      tags,
      summary: "Play a call's recording or voicemail",
      description:
        "Streamed through Dialbook from the call's source with your rights on the call's site (as `GET /calls/{id}`): the vendor's own, often signed and expiring, URL is never shown. `Content-Type` and `Content-Length` are the source's; the fetch from the source stops when you disconnect. 404 `DIALBOOK_CALL_NO_RECORDING` when the call has none, 409 `DIALBOOK_CALL_RECORDING_SOURCE_GONE` when its source is not installed any more or cannot play media, 502 `DIALBOOK_CALL_RECORDING_FETCH_FAILED` when the source failed.",
      request: { params: IdParam },
      responses: {
        200: { description: 'The media', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) }, 'audio/*': { schema: z.string().meta({ format: 'binary' }) } } },
        404: errors[404],
        409: errors[409],
        502: problemResponse('The source could not deliver the media'),
      },
    }),
    async (c) => {
      const media = await recordings.open(c.req.valid('param').id, c.req.raw.signal);
      const headers: Record<string, string> = { 'content-type': media.contentType, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff', 'content-disposition': `inline; filename="${media.kind}"` };
      if (media.size != null) headers['content-length'] = String(media.size);
      return c.body(media.body, 200, headers);
    },
  );

  return app;
}
