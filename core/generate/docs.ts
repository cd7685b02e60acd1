import type { z } from 'zod';
import { platformConnectionSpecSchema } from '../schema/connection.js';
import { storefrontTokenSpecSchema } from '../schema/storefront-token.js';
import { walkFields, type FieldVisit } from '../schema/walk.js';

const changeWords: Readonly<Record<string, string>> = {
  immutable: 'immutable (names the scope)',
  inPlace: 'updated in place',
  rotate: 'issues a new token (rotation)',
  local: 'local',
};

/**
 * generateReference writes the field reference as Markdown from the same
 * schema and metadata the CRD and the Terraform schema come from.
 */
export function generateReference(): string {
  return [
    '# StorefrontToken field reference',
    '',
    'Every field of `StorefrontToken.spec` (Kubernetes) and `sftoken_storefront_token` (Terraform, in snake_case).',
    'What a change does: *immutable* fields name the token\'s scope and cannot change (Terraform replaces the resource);',
    '*updated in place* fields change on the existing token; *rotation* fields are baked into the token, so a new one is issued and the old one revoked after the overlap.',
    '',
    section('StorefrontToken spec', storefrontTokenSpecSchema),
    section('PlatformConnection / ClusterPlatformConnection spec', platformConnectionSpecSchema),
  ].join('\n');
}

function section(title: string, schema: z.ZodType): string {
  const rows: string[] = [];
  walkFields(schema, (visit) => rows.push(row(visit)));
  return [`## ${title}`, '', '| field | type | required | default | on change | platforms | description |', '|---|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

function row({ path, schema, inner, meta }: FieldVisit): string {
  const def = schema._zod.def as { type: string; defaultValue?: unknown };
  const optional = def.type === 'optional' || def.type === 'default';
  const defaultValue = def.type === 'default' ? `\`${JSON.stringify(def.defaultValue)}\`` : '';
  const cells = [
    `\`${path.join('.')}\``,
    typeName(inner),
    optional ? (meta?.requiredOn === undefined ? 'no' : `on ${meta.requiredOn.join(', ')}`) : 'yes',
    defaultValue,
    changeWords[meta?.change ?? 'local'] ?? '',
    meta?.platforms?.join(', ') ?? 'all',
    (meta?.description ?? '') + (meta?.surfaces === undefined ? '' : ` (${meta.surfaces.join(', ')} only)`),
  ];
  return `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
}

function typeName(schema: z.ZodType): string {
  const def = schema._zod.def as { type: string; element?: z.ZodType; entries?: Record<string, string> };
  if (def.type === 'array' && def.element !== undefined) return `list of ${typeName(def.element)}`;
  if (def.type === 'enum' && def.entries !== undefined) return Object.values(def.entries).join(' \\| ');
  if (def.type === 'record') return 'map of string';
  return def.type;
}
