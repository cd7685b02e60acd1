import { describe, expect, it } from 'vitest';
import { restartAnnotation, rolloutOf, workloadPath, type Workload } from './rollout.js';

const workload = (generation: number, spec: NonNullable<Workload['spec']>, status: NonNullable<Workload['status']>): Workload => ({ metadata: { name: 'w', generation }, spec, status });

describe('rolloutOf', () => {
  const cases: { name: string; reason: string; kind: string; w: Workload; want: boolean }[] = [
    { name: 'deployment done', reason: 'every replica updated, ready and available, no old one left', kind: 'Deployment', w: workload(2, { replicas: 3 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }), want: true },
    { name: 'deployment not observed', reason: 'the controller has not seen the restart: its counts describe the old template', kind: 'Deployment', w: workload(2, { replicas: 3 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }), want: false },
    { name: 'deployment old pods left', reason: 'an old replica still terminating still holds the old token', kind: 'Deployment', w: workload(2, { replicas: 3 }, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }), want: false },
    { name: 'deployment not available', reason: 'updated pods that are not available yet do not serve', kind: 'Deployment', w: workload(2, { replicas: 3 }, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 2 }), want: false },
    { name: 'deployment default replicas', reason: 'spec.replicas defaults to 1', kind: 'Deployment', w: workload(2, {}, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }), want: true },
    { name: 'deployment scaled to zero', reason: 'no pod runs any token', kind: 'Deployment', w: workload(2, { replicas: 0 }, { observedGeneration: 2 }), want: true },
    { name: 'statefulset done', reason: 'current revision is the update revision and every replica is ready', kind: 'StatefulSet', w: workload(2, { replicas: 2 }, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, currentRevision: 'r2', updateRevision: 'r2' }), want: true },
    { name: 'statefulset revision pending', reason: 'pods of the old revision remain (e.g. a partition)', kind: 'StatefulSet', w: workload(2, { replicas: 2 }, { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 2, currentRevision: 'r1', updateRevision: 'r2' }), want: false },
    { name: 'daemonset done', reason: 'every scheduled pod is updated, ready and available', kind: 'DaemonSet', w: workload(3, {}, { observedGeneration: 3, desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberReady: 4, numberAvailable: 4 }), want: true },
    { name: 'daemonset updating', reason: 'a node still runs an old pod', kind: 'DaemonSet', w: workload(3, {}, { observedGeneration: 3, desiredNumberScheduled: 4, updatedNumberScheduled: 3, numberReady: 4, numberAvailable: 4 }), want: false },
  ];
  it.each(cases)('$name: $reason', ({ kind, w, want }) => {
    expect(rolloutOf(kind, w).rolledOut).toBe(want);
  });
});

describe('restart targets', () => {
  it('keys the restart mark per token, within the 63-character name limit', () => {
    expect(restartAnnotation('edge-kv-reader')).toBe('restart.sftoken.dev/edge-kv-reader');
    const long = restartAnnotation('a'.repeat(200));
    expect(long.split('/')[1]?.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(restartAnnotation(`${'a'.repeat(199)}b`));
  });

  it('addresses each kind in apps/v1, and fails on any other', () => {
    expect(workloadPath('shop', 'StatefulSet', 'db')).toBe('/apis/apps/v1/namespaces/shop/statefulsets/db');
    expect(() => workloadPath('shop', 'CronJob', 'x')).toThrow(/unknown workload kind/);
  });
});
