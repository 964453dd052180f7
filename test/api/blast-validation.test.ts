import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { mobileNumber, startTestService, type ApiResponse, type TestService, assertError } from '../helpers.js';


// --- A real PNG, built byte by byte: signature, IHDR, IDAT (zlib), IEND, each with its CRC. ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1x1 red RGB PNG. */
function tinyPng(): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  const scanline = Buffer.from([0, 0xff, 0x00, 0x00]); // filter byte, then R G B
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(scanline)), pngChunk('IEND', Buffer.alloc(0))]);
}

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const BLAST = '/api/v1/whatsapp/blast';

function blob(bytes: Uint8Array, type: string): Blob {
  return new Blob([new Uint8Array(bytes)], { type });
}

describe('POST /api/v1/whatsapp/blast: validation', () => {
  let svc: TestService;
  let ids: number[];

  before(async () => {
    svc = await startTestService();
    const customers = await svc.api.createCustomers([
      { name: 'Andi', phone: mobileNumber(1), status: 'active' },
      { name: 'Budi', phone: mobileNumber(2), status: 'active' },
      { name: 'Citra', phone: mobileNumber(3), status: 'inactive' },
    ]);
    ids = customers.map((c) => c.id);
  });
  after(() => svc.stop());

  async function blastTotal(): Promise<number> {
    const res = await svc.api.get('/api/v1/whatsapp/blast/history?per_page=1');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.meta.total as number;
  }

  /** Sends a request that must be rejected with `status` naming `field`, and checks that no blast was stored. */
  async function rejected(send: () => Promise<ApiResponse>, status: number, field?: string): Promise<ApiResponse> {
    const before = await blastTotal();
    const res = await send();
    assertError(res, status, field);
    assert.equal(res.body.blast_id, undefined);
    assert.equal(await blastTotal(), before, 'a rejected blast must store nothing');
    return res;
  }

  const postJson = (body: unknown) => () => svc.api.post(BLAST, body);
  const postForm = (form: FormData) => () => svc.api.request('POST', BLAST, undefined, { raw: form });

  function validForm(): FormData {
    const form = new FormData();
    form.append('target_type', 'selected');
    form.append('customer_ids', JSON.stringify([ids[0], ids[1]]));
    form.append('message', 'Halo {name}, lihat promo kami!');
    form.append('title', 'Promo bergambar');
    return form;
  }

  describe('success', () => {
    it('202 with exactly {success, message, blast_id}', async () => {
      const before = await blastTotal();
      const res = await svc.api.post(BLAST, { target_type: 'selected', customer_ids: ids, message: 'Halo {name}, kami ada promo spesial untuk Anda!' });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(typeof res.body.blast_id, 'number');
      assert.ok(Number.isInteger(res.body.blast_id) && res.body.blast_id > 0);
      assert.deepEqual(res.body, { success: true, message: 'Blast message has been queued successfully.', blast_id: res.body.blast_id });
      assert.equal(await blastTotal(), before + 1);
      const stored = await svc.api.get(`${BLAST}/${res.body.blast_id}`);
      assert.equal(stored.status, 200);
      assert.equal(stored.body.data.id, res.body.blast_id);
      assert.equal(stored.body.data.message_template, 'Halo {name}, kami ada promo spesial untuk Anda!');
    });

    it('202 for target_type all and for filter', async () => {
      const all = await svc.api.post(BLAST, { target_type: 'all', message: 'Halo semua' });
      assert.equal(all.status, 202, JSON.stringify(all.body));
      const filter = await svc.api.post(BLAST, { target_type: 'filter', filter_params: { status: 'active' }, message: 'Halo {name}' });
      assert.equal(filter.status, 202, JSON.stringify(filter.body));
    });
  });

  describe('JSON body', () => {
    it('malformed JSON → 400', async () => {
      await rejected(
        () => svc.api.request('POST', BLAST, undefined, { headers: { 'content-type': 'application/json' }, raw: '{"target_type": "all", "message": ' }),
        400,
      );
    });

    it('JSON sent as text/plain → 415', async () => {
      await rejected(
        () =>
          svc.api.request('POST', BLAST, undefined, {
            headers: { 'content-type': 'text/plain' },
            raw: JSON.stringify({ target_type: 'all', message: 'Halo' }),
          }),
        415,
      );
    });

    it('customer_ids as a string ("1,2") → 422', async () => {
      await rejected(postJson({ target_type: 'selected', customer_ids: '1,2', message: 'Halo' }), 422, 'customer_ids');
    });

    it('customer_ids with a non-integer item → 422', async () => {
      await rejected(postJson({ target_type: 'selected', customer_ids: [ids[0], '2'], message: 'Halo' }), 422, 'customer_ids[1]');
    });

    it('message as a number → 422', async () => {
      await rejected(postJson({ target_type: 'selected', customer_ids: ids, message: 5 }), 422, 'message');
    });

    it('unknown target_type ("everyone") → 422', async () => {
      await rejected(postJson({ target_type: 'everyone', message: 'Halo' }), 422, 'target_type');
    });

    it('missing target_type → 422', async () => {
      await rejected(postJson({ message: 'Halo' }), 422, 'target_type');
    });

    it('missing message → 422', async () => {
      await rejected(postJson({ target_type: 'all' }), 422, 'message');
    });

    it('selected without customer_ids → 422', async () => {
      await rejected(postJson({ target_type: 'selected', message: 'Halo' }), 422, 'customer_ids');
    });

    it('selected with empty customer_ids → 422', async () => {
      await rejected(postJson({ target_type: 'selected', customer_ids: [], message: 'Halo' }), 422, 'customer_ids');
    });

    it('unknown customer ids → 422 naming them', async () => {
      const res = await rejected(postJson({ target_type: 'selected', customer_ids: [ids[0], 987654, 987655], message: 'Halo' }), 422, 'customer_ids');
      const error = res.body.errors.find((e: { field: string }) => e.field === 'customer_ids');
      assert.match(error.message, /987654/);
      assert.match(error.message, /987655/);
      assert.doesNotMatch(error.message, new RegExp(`\\b${ids[0]}\\b`), 'an existing id is not unknown');
    });

    it('filter without filter_params → 422', async () => {
      await rejected(postJson({ target_type: 'filter', message: 'Halo' }), 422, 'filter_params');
    });

    it('filter with empty filter_params → 422 (must not message everyone)', async () => {
      await rejected(postJson({ target_type: 'filter', filter_params: {}, message: 'Halo' }), 422, 'filter_params');
    });

    it('filter with an unknown filter key ({"stauts":"active"}) → 422', async () => {
      await rejected(postJson({ target_type: 'filter', filter_params: { stauts: 'active' }, message: 'Halo' }), 422, 'filter_params.stauts');
    });

    it('customer_ids with target_type all → 422', async () => {
      await rejected(postJson({ target_type: 'all', customer_ids: ids, message: 'Halo' }), 422, 'customer_ids');
    });

    it('filter_params with target_type all → 422', async () => {
      await rejected(postJson({ target_type: 'all', filter_params: { status: 'active' }, message: 'Halo' }), 422, 'filter_params');
    });

    it('blank message ("   ") → 422', async () => {
      await rejected(postJson({ target_type: 'all', message: '   ' }), 422, 'message');
    });

    it('empty message → 422', async () => {
      await rejected(postJson({ target_type: 'all', message: '' }), 422, 'message');
    });

    it('unknown placeholder {nmae} → 422 naming it', async () => {
      const res = await rejected(postJson({ target_type: 'all', message: 'Halo {nmae}!' }), 422, 'message');
      const error = res.body.errors.find((e: { field: string }) => e.field === 'message');
      assert.match(error.message, /\{nmae\}/);
    });

    it('an attribute placeholder is unknown until a customer has that attribute, then accepted', async () => {
      await rejected(postJson({ target_type: 'all', message: 'Halo {name} dari {kota_uji}' }), 422, 'message');
      const [customer] = await svc.api.createCustomers([{ name: 'Dewi', phone: mobileNumber(4), attributes: { kota_uji: 'Bandung' } }]);
      const res = await svc.api.post(BLAST, { target_type: 'selected', customer_ids: [customer!.id], message: 'Halo {name} dari {kota_uji}' });
      assert.equal(res.status, 202, JSON.stringify(res.body));
    });

    it('a known attribute placeholder like {city} → 202', async () => {
      const [customer] = await svc.api.createCustomers([{ name: 'Eka', phone: mobileNumber(5), attributes: { city: 'Medan' } }]);
      const res = await svc.api.post(BLAST, { target_type: 'selected', customer_ids: [customer!.id], message: 'Halo {name} dari {city}' });
      assert.equal(res.status, 202, JSON.stringify(res.body));
    });

    it('unknown top-level field → 422 naming it', async () => {
      await rejected(postJson({ target_type: 'all', message: 'Halo', schedule_at: '2030-01-01' }), 422, 'schedule_at');
    });

    it('a JSON array as the body → 422', async () => {
      await rejected(postJson([{ target_type: 'all', message: 'Halo' }]), 422);
    });
  });

  describe('multipart/form-data', () => {
    it('a valid blast with a PNG → 202; the image is served at its /media/ URL, byte for byte, without auth', async () => {
      const png = tinyPng();
      const form = validForm();
      form.append('image', blob(png, 'image/png'), 'pixel.png');
      const before = await blastTotal();
      const res = await svc.api.request('POST', BLAST, undefined, { raw: form });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual(res.body, { success: true, message: 'Blast message has been queued successfully.', blast_id: res.body.blast_id });
      assert.equal(await blastTotal(), before + 1);

      const detail = await svc.api.get(`${BLAST}/${res.body.blast_id}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.data.title, 'Promo bergambar');
      assert.equal(detail.body.data.message_template, 'Halo {name}, lihat promo kami!');
      const image = detail.body.data.image;
      assert.ok(image, 'the blast should carry image info');
      assert.equal(image.mime, 'image/png');
      assert.equal(typeof image.url, 'string');
      assert.ok(image.url.includes('/media/'), image.url);

      const path = new URL(image.url, svc.url).pathname;
      const served = await fetch(svc.url + path);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
    });

    it('an image sent with a misleading type header is judged by its bytes', async () => {
      const form = validForm();
      form.append('image', blob(tinyPng(), 'application/octet-stream'), 'photo.bin');
      const res = await svc.api.request('POST', BLAST, undefined, { raw: form });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const detail = await svc.api.get(`${BLAST}/${res.body.blast_id}`);
      assert.equal(detail.body.data.image.mime, 'image/png');
    });

    it('a multipart blast without an image → 202 with image null', async () => {
      const res = await svc.api.request('POST', BLAST, undefined, { raw: validForm() });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const detail = await svc.api.get(`${BLAST}/${res.body.blast_id}`);
      assert.equal(detail.body.data.image, null);
    });

    it('an unknown /media/ token → 404', async () => {
      const res = await fetch(`${svc.url}/media/not-a-real-token`);
      assert.equal(res.status, 404);
    });

    it('a text file named x.png → 415', async () => {
      const form = validForm();
      form.append('image', blob(new TextEncoder().encode('this is just text, not a picture\n'), 'image/png'), 'x.png');
      await rejected(postForm(form), 415, 'image');
    });

    it('a file over 5 MB → 413', async () => {
      const big = Buffer.alloc(MAX_IMAGE_BYTES + 1);
      tinyPng().copy(big, 0, 0, 33); // PNG signature and IHDR, then zeros
      const form = validForm();
      form.append('image', blob(big, 'image/png'), 'big.png');
      await rejected(postForm(form), 413, 'image');
    });

    it('an image of exactly 5 MB is accepted (the limit is inclusive)', async () => {
      const limit = Buffer.alloc(MAX_IMAGE_BYTES);
      tinyPng().copy(limit, 0, 0, 33);
      const form = validForm();
      form.append('image', blob(limit, 'image/png'), 'limit.png');
      const res = await svc.api.request('POST', BLAST, undefined, { raw: form });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const detail = await svc.api.get(`${BLAST}/${res.body.blast_id}`);
      assert.equal(detail.body.data.image.size, MAX_IMAGE_BYTES);
    });

    it('an empty image file → 422', async () => {
      const form = validForm();
      form.append('image', blob(new Uint8Array(0), 'image/png'), 'empty.png');
      await rejected(postForm(form), 422, 'image');
    });

    it('customer_ids that is not JSON → 422', async () => {
      const form = new FormData();
      form.append('target_type', 'selected');
      form.append('customer_ids', '1,2');
      form.append('message', 'Halo');
      await rejected(postForm(form), 422, 'customer_ids');
    });

    it('filter_params that is not JSON → 422', async () => {
      const form = new FormData();
      form.append('target_type', 'filter');
      form.append('filter_params', 'status=active');
      form.append('message', 'Halo');
      await rejected(postForm(form), 422, 'filter_params');
    });

    it('a file in a field other than image → 422 naming that field', async () => {
      const form = validForm();
      form.append('photo', blob(tinyPng(), 'image/png'), 'pixel.png');
      await rejected(postForm(form), 422, 'photo');
    });

    it('the same checks as JSON apply: unknown placeholder → 422', async () => {
      const form = new FormData();
      form.append('target_type', 'all');
      form.append('message', 'Halo {nmae}');
      await rejected(postForm(form), 422, 'message');
    });

    it('the same checks as JSON apply: unknown field → 422', async () => {
      const form = validForm();
      form.append('priority', 'high');
      await rejected(postForm(form), 422, 'priority');
    });

    it('the same checks as JSON apply: unknown customer ids → 422', async () => {
      const form = new FormData();
      form.append('target_type', 'selected');
      form.append('customer_ids', '[987656]');
      form.append('message', 'Halo');
      const res = await rejected(postForm(form), 422, 'customer_ids');
      assert.match(res.body.errors[0].message, /987656/);
    });

    it('a valid image with an invalid blast stores neither', async () => {
      const form = new FormData();
      form.append('target_type', 'selected');
      form.append('message', 'Halo');
      form.append('image', blob(tinyPng(), 'image/png'), 'pixel.png');
      const imagesBefore = await svc.service.database.db.selectFrom('blast_images').select('id').execute();
      await rejected(postForm(form), 422, 'customer_ids');
      const imagesAfter = await svc.service.database.db.selectFrom('blast_images').select('id').execute();
      assert.equal(imagesAfter.length, imagesBefore.length);
    });
  });
});
