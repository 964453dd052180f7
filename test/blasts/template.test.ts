import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { placeholdersOf, renderMessage, renderTemplate, spin } from '../../src/blasts/template.js';

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

describe('spintax', () => {
  it('picks one variant per group; braces without | stay placeholders', () => {
    assert.equal(spin('{Halo|Hai|Selamat pagi} {name}!', () => 2), 'Selamat pagi {name}!');
    assert.equal(spin('{Halo|Hai} {name}, {promo|diskon} hari ini', () => 0), 'Halo {name}, promo hari ini');
  });

  it('lets a variant hold placeholders', () => {
    const out = renderMessage({ message_template: '{Halo {name}|Hai {name}, apa kabar}', template: null }, { name: 'Budi' }, () => 1);
    assert.deepEqual(out, { ok: true, text: 'Hai Budi, apa kabar' });
  });

  it('uses every variant over many recipients', () => {
    const seen = new Set(Array.from({ length: 200 }, () => spin('{a|b|c}')));
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  });

  it('renders template parameters with spintax and placeholders too', () => {
    const out = renderMessage(
      { message_template: '', template: JSON.stringify({ name: 'promo', language: 'id', body_params: ['{Kak|Bu} {name}', '{kota}'] }) },
      { name: 'Sari', kota: 'Medan' },
      () => 1,
    );
    assert.deepEqual(out, { ok: true, text: '', template: { name: 'promo', language: 'id', bodyParams: ['Bu Sari', 'Medan'] } });
  });
});
