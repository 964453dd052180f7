import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { placeholdersOf, renderTemplate } from '../../src/blasts/template.js';

describe('message templates', () => {
  it('lists each placeholder once, ignoring braces that are not identifiers', () => {
    assert.deepEqual(placeholdersOf('Halo {name}, {name}! Kota {city}. { not } {a|b} {1x}'), ['name', 'city']);
  });

  it('fills placeholders from customer fields and attributes', () => {
    const out = renderTemplate('Halo {name} dari {city}, poin {points}', { name: 'Budi', city: 'Bandung', points: 120 });
    assert.deepEqual(out, { ok: true, text: 'Halo Budi dari Bandung, poin 120' });
  });

  it('reports missing or blank values instead of sending a hole', () => {
    assert.deepEqual(renderTemplate('Halo {name} dari {city}', { name: 'Budi', city: '  ' }), { ok: false, missing: ['city'] });
    assert.deepEqual(renderTemplate('Halo {name}', {}), { ok: false, missing: ['name'] });
  });

  it('leaves text that only looks like a placeholder alone', () => {
    assert.deepEqual(renderTemplate('Diskon {50%} untuk {name}', { name: 'Sari' }), { ok: true, text: 'Diskon {50%} untuk Sari' });
  });
});
