import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, type ApiResponse, type TestService } from '../helpers.js';

/** POST /api/v1/customers/import over real HTTP, on the engine the suite runs on. */
describe('customers CSV import', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  function upload(content: string | Buffer, options: { field?: string; filename?: string; type?: string } = {}): Promise<ApiResponse> {
    const form = new FormData();
    const part = typeof content === 'string' ? content : new Uint8Array(content);
    form.append(options.field ?? 'file', new Blob([part], { type: options.type ?? 'text/csv' }), options.filename ?? 'customers.csv');
    return svc.api.request('POST', '/api/v1/customers/import', undefined, { raw: form });
  }

  async function importCsv(content: string | Buffer): Promise<any> {
    const res = await upload(content);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    return res.body;
  }

  async function total(): Promise<number> {
    return (await svc.api.get('/api/v1/customers?per_page=1')).body.meta.total as number;
  }

  /** The customers whose sanitised number is `number` (628…). */
  async function byNumber(number: string): Promise<any[]> {
    const res = await svc.api.get(`/api/v1/customers?search=${number}&per_page=100`);
    return res.body.data.filter((c: any) => c.whatsapp_number === number);
  }

  const wa = (i: number) => `62${mobileNumber(i).slice(1)}`;

  it('imports good rows and rejects bad phones with their line numbers (the header is line 1)', async () => {
    const csv = [
      'name,phone,status,city',
      `Ani,${mobileNumber(1001)},active,Jakarta`,
      'Too Short,0812345,,Bandung',
      `Budi,+62 ${mobileNumber(1002).slice(1)},vip,Surabaya`,
      `,${mobileNumber(1003)},,`,
      'Landline,02112345678,,',
      'Letters,0812-3456-789a,,',
      '',
    ].join('\n');
    const body = await importCsv(csv);
    assert.equal(body.created, 2);
    assert.equal(body.updated, 0);
    assert.equal(body.rejected, 4);
    assert.equal(body.rejected_rows_truncated, false);
    assert.deepEqual(body.rejected_rows.map((r: any) => r.line), [3, 5, 6, 7]);
    assert.match(body.rejected_rows[0].reason, /too short/);
    assert.match(body.rejected_rows[1].reason, /name is empty/);
    assert.match(body.rejected_rows[2].reason, /not a mobile number/);
    assert.match(body.rejected_rows[3].reason, /letters/);

    const [ani] = await byNumber(wa(1001));
    assert.equal(ani.name, 'Ani');
    assert.equal(ani.phone, mobileNumber(1001));
    assert.equal(ani.status, 'active');
    assert.deepEqual(ani.attributes, { city: 'Jakarta' });
    const [budi] = await byNumber(wa(1002));
    assert.equal(budi.status, 'vip');
    assert.equal((await byNumber('62812345')).length, 0);
  });

  it('reads quoted commas, quoted line breaks, a UTF-8 BOM and CRLF line ends', async () => {
    const csv = [
      'name,phone,city,note',
      `"Santoso, Budi",${mobileNumber(1101)},"Jakarta, Pusat","said ""hi"""`,
      `Multi Line,${mobileNumber(1102)},Bogor,"first line`,
      `second line"`,
      'After The Break,0812,,',
      '',
    ].join('\r\n');
    const body = await importCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]));
    assert.equal(body.created, 2);
    assert.deepEqual(body.rejected_rows.map((r: any) => r.line), [5], 'a row spanning lines 3-4 moves the next row to line 5');

    const [budi] = await byNumber(wa(1101));
    assert.equal(budi.name, 'Santoso, Budi', 'the BOM is not part of the first column name, the quoted comma is not a separator');
    assert.deepEqual(budi.attributes, { city: 'Jakarta, Pusat', note: 'said "hi"' }, 'no stray \\r at the end of the last field');
    const [multi] = await byNumber(wa(1102));
    assert.equal(multi.attributes.note, 'first line\r\nsecond line');
  });

  it('counts a number repeated in the file as an update: the later row wins, attributes merge', async () => {
    const csv = [
      'name,phone,status,city,tier',
      `First,${mobileNumber(1201)},active,Medan,`,
      `Second,+62 ${mobileNumber(1201).slice(1)},,,gold`,
      '',
    ].join('\n');
    const body = await importCsv(csv);
    assert.deepEqual([body.created, body.updated, body.rejected], [1, 1, 0]);
    const rows = await byNumber(wa(1201));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].name, 'Second');
    assert.equal(rows[0].status, 'active', 'an empty status keeps the earlier one');
    assert.deepEqual(rows[0].attributes, { city: 'Medan', tier: 'gold' });
  });

  it('updates an existing customer with that number (name, status if given, attributes merged)', async () => {
    const [existing] = await svc.api.createCustomers([
      { name: 'Old Name', phone: mobileNumber(1301), status: 'vip', attributes: { tier: 'gold', points: 5 } },
    ]);
    const body = await importCsv(`name,phone,status,city\nNew Name,+62${mobileNumber(1301).slice(1)},,Medan\n`);
    assert.deepEqual([body.created, body.updated], [0, 1]);
    const after = (await svc.api.get(`/api/v1/customers/${existing!.id}`)).body.data;
    assert.equal(after.name, 'New Name');
    assert.equal(after.status, 'vip');
    assert.deepEqual(after.attributes, { tier: 'gold', points: 5, city: 'Medan' });
    assert.equal(after.phone, mobileNumber(1301), 'the number as first entered is kept');

    const again = await importCsv(`name,phone,status\nNew Name,${mobileNumber(1301)},inactive\n`);
    assert.deepEqual([again.created, again.updated], [0, 1]);
    assert.equal((await svc.api.get(`/api/v1/customers/${existing!.id}`)).body.data.status, 'inactive');
  });

  it('makes extra columns attributes a blast template may use', async () => {
    const blast = { target_type: 'all', message: 'Hi {name}, your fruit is {favourite_fruit}' };
    assertError(await svc.api.post('/api/v1/whatsapp/blast', blast), 422, 'message');
    await importCsv(`name,phone,favourite_fruit\nFruity,${mobileNumber(1401)},mango\n`);
    const res = await svc.api.post('/api/v1/whatsapp/blast', blast);
    assert.equal(res.status, 202, JSON.stringify(res.body));
  });

  it('spans batches: numbers repeated 2,000 rows apart update, and the rejected list stops at 1,000', async () => {
    const lines = ['name,phone'];
    for (let i = 0; i < 2000; i++) lines.push(`Batch ${i},${mobileNumber(100_000 + i)}`);
    for (let i = 0; i < 500; i++) lines.push(`Batch again ${i},${mobileNumber(100_000 + i)}`);
    for (let i = 0; i < 1200; i++) lines.push(`Bad ${i},12`);
    const body = await importCsv(`${lines.join('\n')}\n`);
    assert.deepEqual([body.created, body.updated, body.rejected], [2000, 500, 1200]);
    assert.equal(body.rejected_rows.length, 1000);
    assert.equal(body.rejected_rows_truncated, true);
    assert.equal(body.rejected_rows[0].line, 2502);
    const [again] = await byNumber(wa(100_499));
    assert.equal(again.name, 'Batch again 499');
  });

  describe('with an id column (the integrator’s own ids)', () => {
    it('creates customers under the ids given, updates them by id (number included), and writes nothing unchanged', async () => {
      const csv = ['id,name,phone,status,city', `9101,Ani,${mobileNumber(9101)},vip,Jakarta`, `9102,Budi,${mobileNumber(9102)},,Bandung`, ''].join('\n');
      const first = await importCsv(csv);
      assert.deepEqual([first.created, first.updated, first.unchanged, first.rejected], [2, 0, 0, 0]);
      const ani = (await svc.api.get('/api/v1/customers/9101')).body.data;
      assert.deepEqual([ani.name, ani.whatsapp_number, ani.status, ani.attributes], ['Ani', wa(9101), 'vip', { city: 'Jakarta' }]);

      const again = await importCsv(csv);
      assert.deepEqual([again.created, again.updated, again.unchanged, again.rejected], [0, 0, 2, 0]);
      assert.equal((await svc.api.get('/api/v1/customers/9101')).body.data.updated_at, ani.updated_at, 'not rewritten');

      // A new number for id 9102, an empty status keeps the stored one, attributes merge.
      const moved = await importCsv(`id,name,phone,status,tier\n9102,Budi S,${mobileNumber(9103)},,gold\n`);
      assert.deepEqual([moved.created, moved.updated, moved.unchanged], [0, 1, 0]);
      const budi = (await svc.api.get('/api/v1/customers/9102')).body.data;
      assert.deepEqual([budi.name, budi.whatsapp_number, budi.status, budi.attributes], ['Budi S', wa(9103), 'active', { city: 'Bandung', tier: 'gold' }]);

      // Blasts take these ids as they are.
      const res = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [9101, 9102], message: 'Halo {name}' });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      await svc.api.waitForBlast(res.body.blast_id);
      const logs = await svc.api.allLogs(res.body.blast_id);
      assert.deepEqual(logs.map((l) => l.customer_id).sort(), [9101, 9102]);
    });

    it('rejects, with line and reason, a number another customer has, a bad or missing id; the same id later in the file merges', async () => {
      const [other] = await svc.api.createCustomers([{ name: 'Owner', phone: mobileNumber(9201) }]);
      const before = await total();
      const csv = [
        'ID,name,phone',
        `9301,Taken,${mobileNumber(9201)}`, // line 2: the number is customer `other`'s
        `,No id,${mobileNumber(9302)}`, // 3
        `0,Zero,${mobileNumber(9303)}`, // 4
        `12.5,Fraction,${mobileNumber(9304)}`, // 5
        `9007199254740992,Too big,${mobileNumber(9305)}`, // 6
        `abc,Letters,${mobileNumber(9306)}`, // 7
        `9307,Good,${mobileNumber(9307)}`, // 8
        `9308,Same number as line 8,${mobileNumber(9307)}`, // 9
        `9307,Good again,${mobileNumber(9307)}`, // 10: same id as line 8, merges
        '',
      ].join('\n');
      const body = await importCsv(csv);
      assert.deepEqual([body.created, body.updated, body.unchanged, body.rejected], [1, 1, 0, 7]);
      assert.deepEqual(body.rejected_rows.map((r: any) => r.line), [2, 3, 4, 5, 6, 7, 9]);
      const reasons = body.rejected_rows.map((r: any) => r.reason);
      assert.match(reasons[0], new RegExp(`belongs to customer ${other!.id}`));
      assert.match(reasons[1], /id is empty/);
      for (const reason of reasons.slice(2, 6)) assert.match(reason, /not a whole number from 1 to 9007199254740991/);
      assert.match(reasons[6], /also on line 8 for id 9307/);
      assert.equal(await total(), before + 1);
      assert.equal((await svc.api.get('/api/v1/customers/9307')).body.data.name, 'Good again');
      assert.equal((await svc.api.get('/api/v1/customers/9301')).status, 404);
      assert.equal((await svc.api.get(`/api/v1/customers/${other!.id}`)).body.data.name, 'Owner', 'never merged into the owner');
    });

    it('gives customers created later without an id ids above the imported ones', async () => {
      await importCsv(`id,name,phone\n5000000,High,${mobileNumber(9401)}\n`);
      const [auto] = await svc.api.createCustomers([{ name: 'After import', phone: mobileNumber(9402) }]);
      assert.ok(auto!.id > 5_000_000, `${auto!.id}`);
      const byNumberImport = await importCsv(`name,phone\nBy number,${mobileNumber(9403)}\n`);
      assert.equal(byNumberImport.created, 1);
      const [created] = await byNumber(wa(9403));
      assert.ok(created.id > auto!.id);
    });
  });

  it('rejects a malformed row (an unclosed quote) with its line and keeps the rows before it', async () => {
    const body = await importCsv(`name,phone\nGood,${mobileNumber(1501)}\nBroken,"${mobileNumber(1502)}\n`);
    assert.deepEqual([body.created, body.rejected], [1, 1]);
    assert.equal(body.rejected_rows[0].line, 3);
    assert.match(body.rejected_rows[0].reason, /malformed CSV/);
  });

  describe('a bad header is a 422 and stores nothing', () => {
    const cases: [string, string, RegExp][] = [
      ['an invalid attribute name', `name,phone,1st city\nA,${mobileNumber(1601)},X\n`, /not a valid attribute name/],
      ['an id column twice', `id,name,phone,ID\n7,A,${mobileNumber(1601)},7\n`, /"ID" repeats column 1/],
      ['no phone column', `name,mobile\nA,${mobileNumber(1601)}\n`, /"phone" column is missing/],
      ['no name column', `phone\n${mobileNumber(1601)}\n`, /"name" column is missing/],
      ['a repeated column', `name,phone,city,city\nA,${mobileNumber(1601)},X,Y\n`, /repeats column 3/],
      ['an empty file', '', /empty/],
    ];
    for (const [what, csv, message] of cases) {
      it(what, async () => {
        const before = await total();
        const res = await upload(csv);
        assertError(res, 422, 'file');
        assert.ok(res.body.errors.some((e: any) => message.test(e.message)), JSON.stringify(res.body));
        assert.equal(await total(), before);
      });
    }
  });

  describe('not a CSV upload', () => {
    it('a PNG is a 415', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      assertError(await upload(png, { type: 'image/png', filename: 'x.png' }), 415, 'file');
    });
    it('an Excel workbook is a 415 that says so', async () => {
      const res = await upload(Buffer.from('504b0304140006000800000021000000', 'hex'), { filename: 'x.xlsx' });
      assertError(res, 415, 'file');
      assert.match(res.body.message, /Excel/);
    });
    it('text that is not UTF-8 is a 415', async () => {
      assertError(await upload(Buffer.from('name,phone\nJos\xe9,081200001701\n', 'latin1')), 415, 'file');
    });
    it('a JSON body is a 415', async () => {
      assertError(await svc.api.post('/api/v1/customers/import', { file: 'name,phone' }), 415);
    });
    it('a multipart request without a file is a 422 naming "file"', async () => {
      const form = new FormData();
      form.append('note', 'no file here');
      assertError(await svc.api.request('POST', '/api/v1/customers/import', undefined, { raw: form }), 422, 'file');
    });
    it('a file in another field is a 422', async () => {
      assertError(await upload('name,phone\n', { field: 'csv' }), 422, 'csv');
    });
    it('needs the bearer token', async () => {
      const form = new FormData();
      form.append('file', new Blob(['name,phone\n']), 'c.csv');
      const res = await svc.api.request('POST', '/api/v1/customers/import', undefined, { raw: form, auth: false });
      assertError(res, 401);
    });
  });
});
