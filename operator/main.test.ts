import { describe, expect, it } from 'vitest';
import { watchedNamespaces } from './main.js';

// What --watch-namespace (and the watchNamespace/watchNamespaces options) turn
// into: the namespaces one process lists and watches, or every namespace; a
// bad list is refused before anything starts, naming what is wrong.

describe('watchedNamespaces', () => {
  it.each([
    { name: 'Unset', reason: 'no limit: cluster mode, every namespace', options: {}, want: undefined },
    { name: 'One', reason: 'the single-namespace option', options: { watchNamespace: 'shop' }, want: ['shop'] },
    { name: 'List', reason: 'a list keeps its order', options: { watchNamespaces: ['shop-b', 'shop-a'] }, want: ['shop-b', 'shop-a'] },
    { name: 'Both', reason: 'both options together, a namespace named twice is watched once', options: { watchNamespaces: ['shop-a', 'shop-b'], watchNamespace: 'shop-a' }, want: ['shop-a', 'shop-b'] },
  ])('$name: $reason', ({ options, want }) => {
    expect(watchedNamespaces(options)).toEqual(want);
  });

  it.each([
    { name: 'Empty', reason: 'an empty list would silently mean every namespace', options: { watchNamespaces: [] }, message: /the list is empty/ },
    { name: 'NotAName', reason: 'upper case and underscores are not namespace names', options: { watchNamespaces: ['shop-a', 'Shop_B'] }, message: /"Shop_B" is not a namespace name/ },
    { name: 'TooLong', reason: 'a namespace name has at most 63 characters', options: { watchNamespace: 'a'.repeat(64) }, message: /is not a namespace name/ },
  ])('refuses $name: $reason', ({ options, message }) => {
    expect(() => watchedNamespaces(options)).toThrow(message);
  });
});
