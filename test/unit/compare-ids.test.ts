import { expect, it } from 'vitest';
import { compareIds } from '../../src/util/compare-ids.js';

it('orders task IDs as people read them', () => {
  const ids = ['10', '2.1', 'T10', '1', 'REV-002', '2', 'T9', '2.10', '2.2', 'REV-001', 'L12'];
  expect([...ids].sort(compareIds)).toEqual([
    '1',
    '2',
    '2.1',
    '2.2',
    '2.10',
    '10',
    'L12',
    'REV-001',
    'REV-002',
    'T9',
    'T10',
  ]);
});
