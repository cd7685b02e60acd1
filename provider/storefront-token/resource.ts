import type { ProviderContext } from '../config/context.js';
import type { ResourceDefinition } from '../framework/resource.js';
import { applyToken } from './apply.js';
import { deleteToken } from './delete.js';
import { importToken } from './import.js';
import { planToken } from './plan.js';
import { readToken } from './read.js';
import { TYPE_NAME, resourceSchema } from './schema.js';
import { validateConfig } from './validate.js';

/**
 * storefrontTokenResource is `sftoken_storefront_token`: one token on one
 * platform, delivered to a Kubernetes Secret. Plan decisions come from the
 * shared decide(), so Terraform and the operator agree on when to issue,
 * update, republish, end an overlap or revoke.
 */
export const storefrontTokenResource: ResourceDefinition<ProviderContext> = {
  typeName: TYPE_NAME,
  schema: resourceSchema,
  validate: ({ config }) => validateConfig(config, new Date()),
  plan: ({ prior, config, context }) => planToken({ prior, config, now: context.now() }),
  create: ({ planned, context, signal }) => applyToken({ prior: null, planned, context, signal }),
  update: ({ prior, planned, context, signal }) => applyToken({ prior, planned, context, signal }),
  delete: ({ prior, context, signal }) => deleteToken(prior, context, signal),
  read: ({ state, context, signal }) => readToken(state, context, signal),
  importState: ({ id, context, signal }) => importToken(id, context, signal),
};
