import { describe, expect, it } from 'vitest';
import { defaultPlan } from './default-plan.js';
import type { PlanInput } from './default-plan.js';
import type { ResourceSchema } from './schema.js';
import { Unknown } from './value.js';
import type { ObjectValue } from './value.js';

const schema: ResourceSchema = {
  version: 0,
  block: {
    attributes: {
      id: { type: 'string', computed: true, stable: true },
      name: { type: 'string', required: true, requiresReplace: true },
      size: { type: 'number', optional: true },
      revision: { type: 'number', computed: true },
      label: { type: 'string', optional: true, computed: true },
    },
  },
};
const prior: ObjectValue = { id: 'a', name: 'n', size: 1, revision: 1, label: 'auto' };

describe('defaultPlan', () => {
  const rows: { reason: string; input: PlanInput; planned: ObjectValue; replace: string[] }[] = [
    {
      reason: 'create: computed attributes not in config are decided at apply',
      input: { prior: null, proposed: { id: null, name: 'n', size: 1, revision: null, label: null }, config: { id: null, name: 'n', size: 1, revision: null, label: null } },
      planned: { id: Unknown, name: 'n', size: 1, revision: Unknown, label: Unknown },
      replace: [],
    },
    {
      reason: 'no change: the proposal is the plan, so a refresh plans nothing',
      input: { prior, proposed: prior, config: { ...prior, id: null, revision: null, label: null } },
      planned: prior,
      replace: [],
    },
    {
      reason: 'update: stable id keeps its value, other computed values become unknown',
      input: { prior, proposed: { ...prior, size: 2 }, config: { id: null, name: 'n', size: 2, revision: null, label: null } },
      planned: { id: 'a', name: 'n', size: 2, revision: Unknown, label: Unknown },
      replace: [],
    },
    {
      reason: 'update: an optional+computed attribute set in config is the practitioner’s value',
      input: { prior, proposed: { ...prior, size: 2, label: 'mine' }, config: { id: null, name: 'n', size: 2, revision: null, label: 'mine' } },
      planned: { id: 'a', name: 'n', size: 2, revision: Unknown, label: 'mine' },
      replace: [],
    },
    {
      reason: 'replace: a requiresReplace change makes even stable attributes unknown (new object)',
      input: { prior, proposed: { ...prior, name: 'm' }, config: { id: null, name: 'm', size: 1, revision: null, label: null } },
      planned: { id: Unknown, name: 'm', size: 1, revision: Unknown, label: Unknown },
      replace: ['name'],
    },
  ];
  it.each(rows)('$reason', (row) => {
    const result = defaultPlan(schema, row.input);
    expect(result.planned).toStrictEqual(row.planned);
    expect((result.requiresReplace ?? []).map((p) => p.map((s) => ('attribute' in s ? s.attribute : '?')).join('.'))).toStrictEqual(row.replace);
  });
});
