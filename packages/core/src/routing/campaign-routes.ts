import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { body, errors, IdParam, json } from '../http/common.js';
import { createRouter } from '../http/openapi.js';
import type { CampaignService } from './campaigns.js';
import type { LinkService } from './links.js';
import { CampaignCreateSchema, CampaignSchema, CampaignUpdateSchema, LinkSchema } from './types.js';

const tags = ['Routing'];

/** `/routing/campaigns`: a seller's own campaigns (admin and staff: every seller's). */
export function campaignRoutes(campaigns: CampaignService, links: LinkService) {
  const app = createRouter();
  app.openapi(
    createRoute({ method: 'get', path: '/routing/campaigns', tags, summary: 'List campaigns', description: 'A seller sees their own.', responses: { 200: json(z.object({ items: z.array(CampaignSchema) }), 'Campaigns by name') } }),
    async (c) => c.json({ items: await campaigns.list() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post', path: '/routing/campaigns', tags, summary: 'Add a campaign',
      description: "A seller's campaign is their own; admin and staff name the seller in `ownerId` (default: themselves).",
      request: body(CampaignCreateSchema), responses: { 201: json(CampaignSchema, 'Added'), 422: errors[422] },
    }),
    async (c) => c.json(await campaigns.create(c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/routing/campaigns/{id}', tags, summary: 'Read a campaign', request: { params: IdParam }, responses: { 200: json(CampaignSchema, 'The campaign'), 404: errors[404] } }),
    async (c) => c.json(await campaigns.get(c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/routing/campaigns/{id}', tags, summary: 'Edit a campaign', description: 'Fields left out stay.', request: { params: IdParam, ...body(CampaignUpdateSchema) }, responses: { 200: json(CampaignSchema, 'Updated'), 404: errors[404], 422: errors[422] } }),
    async (c) => c.json(await campaigns.update(c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/routing/campaigns/{id}', tags, summary: 'Delete a campaign', description: 'Its links go with it; its DIDs stay, in no campaign.', request: { params: IdParam }, responses: { 204: { description: 'Gone' }, 404: errors[404] } }),
    async (c) => {
      await campaigns.remove(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/routing/campaigns/{id}/links', tags, summary: "A campaign's links to clients", description: 'Lowest priority first.', request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(LinkSchema) }), 'Links'), 404: errors[404] } }),
    async (c) => c.json({ items: await links.forCampaign(c.req.valid('param').id) }, 200),
  );
  return app;
}
