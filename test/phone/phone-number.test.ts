import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone, sanitizePhone } from '../../src/phone/phone-number.js';

describe('phone numbers (examples from shared/providers/README.md)', () => {
  const valid: [string, string][] = [
    ['08123456789', '628123456789'],
    ['+62 812-3456-7890', '6281234567890'],
    ['6281234567890', '6281234567890'],
    ['(0812) 3456 7890', '6281234567890'],
    ['0062 812 3456 7890', '6281234567890'],
    ['+62 0812 3456 7890', '6281234567890'],
    ['812 3456 7890', '6281234567890'],
    ['0812.3456.7890', '6281234567890'],
  ];
  for (const [raw, expected] of valid) {
    it(`accepts ${JSON.stringify(raw)} as ${expected}`, () => {
      assert.deepEqual(normalizePhone(raw, '62'), { ok: true, number: expected });
    });
  }

  const invalid: [string | null, RegExp][] = [
    ['0812345', /too short/],
    ['0841234567', /not a valid \+62 number/],
    ['02112345678', /not a mobile number \(fixed line\)/],
    ['0812-3456-789a', /letters/],
    ['', /no phone number/],
    ['   ', /no phone number/],
    [null, /no phone number/],
    ['---', /no digits/],
    ['08123456789012345', /too long|not a valid/],
  ];
  for (const [raw, reason] of invalid) {
    it(`rejects ${JSON.stringify(raw)} with a reason`, () => {
      const result = normalizePhone(raw, '62');
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, reason);
    });
  }

  it('sanitises by the contract rule: digits only, leading 0 becomes the country code', () => {
    assert.equal(sanitizePhone('+62 (812) 3456-7890', '62'), '6281234567890');
    assert.equal(sanitizePhone('0812 3456 7890', '62'), '6281234567890');
    assert.equal(sanitizePhone('0812 3456 7890', '60'), '60812345678' + '90');
  });

  it('validates against the configured country, not always Indonesia', () => {
    // A Malaysian mobile with DEFAULT_COUNTRY_CODE=60, and an Indonesian one that is not Malaysian.
    assert.deepEqual(normalizePhone('012-345 6789', '60'), { ok: true, number: '60123456789' });
    assert.equal(normalizePhone('0812 3456 7890', '60').ok, false);
  });
});
