import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compileErrors, validate } from '@readme/openapi-parser';
import { startTestService, type TestService } from '../helpers.js';

/** The original spec's blast request (backend-spec, "Send blast"), without its image field. */
const CONTRACT_BLAST_REQUEST = {
  target_type: 'selected',
  customer_ids: [101, 102, 105],
  filter_params: { status: 'active' },
  message: 'Halo {name}, kami ada promo spesial untuk Anda!',
};
const CONTRACT_BLAST_ANSWER = { success: true, message: 'Blast message has been queued successfully.', blast_id: 55 };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `/customers/:id` → `/customers/{id}`, as OpenAPI writes path parameters. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The document's own routes are not part of the API it describes. */
const isDocsRoute = (url: string) => url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/');

describe('OpenAPI document', () => {
  let svc: TestService;
  let doc: any;

  before(async () => {
    svc = await startTestService();
    const res = await fetch(`${svc.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    doc = await res.json();
  });
  after(() => svc?.stop());

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.match(doc.openapi, /^3\.1\./);
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc));
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  });

  it('describes every route the app registered, with its method', () => {
    const registered = svc.service.app!.routeCatalog.filter((r) => r.method !== 'HEAD' && !isDocsRoute(r.url));
    assert.ok(registered.length >= 15, `only ${registered.length} routes registered?`);
    const missing = registered.filter((r) => !doc.paths?.[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]);
    assert.deepEqual(missing, [], `routes missing from /openapi.json: ${missing.map((r) => `${r.method} ${r.url}`).join(', ')}`);
    // ...and nothing else: no operation the app does not serve.
    const served = new Set(registered.map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.url)}`));
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).filter((k) => HTTP_METHODS.includes(k)).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(documented.filter((op) => !served.has(op)), []);
  });

  it('requires the bearer token on the API but not on login, webhooks, media or health', () => {
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: doc.components.securitySchemes.bearerAuth.description,
    });
    const bearer = (op: any) => (op.security ?? doc.security ?? []).some((s: Record<string, unknown>) => 'bearerAuth' in s);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const expected = path.startsWith('/api/v1/') && path !== '/api/v1/auth/login';
        assert.equal(bearer(op), expected, `${method.toUpperCase()} ${path}: bearer ${expected ? 'expected' : 'not expected'}`);
      }
    }
    assert.equal(bearer(doc.paths['/api/v1/whatsapp/blast'].post), true);
    assert.equal(bearer(doc.paths['/api/v1/auth/login'].post), false);
  });

  it('documents both shapes of the blast request with the contract example, and its 202 answer', () => {
    const op = doc.paths['/api/v1/whatsapp/blast'].post;
    const json = op.requestBody.content['application/json'];
    const multipart = op.requestBody.content['multipart/form-data'];
    assert.deepEqual(json.example, CONTRACT_BLAST_REQUEST);
    assert.deepEqual(json.schema.required, ['target_type']);
    assert.ok(json.schema.properties.customer_ids && json.schema.properties.template, 'JSON fields');
    assert.equal(multipart.schema.properties.image.format, 'binary');
    assert.equal(multipart.schema.properties.customer_ids.type, 'string', 'customer_ids travel as JSON text in multipart');
    assert.deepEqual(multipart.example.customer_ids, JSON.stringify(CONTRACT_BLAST_REQUEST.customer_ids));
    assert.deepEqual(op.responses['202'].content['application/json'].example, CONTRACT_BLAST_ANSWER);
  });

  it('documents both shapes of customer creation', () => {
    const schema = doc.paths['/api/v1/customers'].post.requestBody.content['application/json'].schema;
    assert.equal(schema.anyOf.length, 2);
    assert.ok(schema.anyOf.some((s: any) => s.properties?.customers?.type === 'array'), 'the {customers: [...]} shape');
    assert.ok(schema.anyOf.some((s: any) => s.properties?.name && s.required?.includes('name')), 'the single-customer shape');
  });

  it('marks a hand-checked optional body as optional', () => {
    const retry = doc.paths['/api/v1/whatsapp/blast/{id}/retry'].post.requestBody;
    assert.equal(retry.required, false);
    assert.ok(retry.content['application/json'].schema.properties.error);
    assert.equal(doc.paths['/api/v1/whatsapp/blast'].post.requestBody.required, true);
  });

  it('references one shared error body for the error answers', () => {
    const errorBody = doc.components.schemas.ErrorBody;
    assert.deepEqual([...errorBody.required].sort(), ['errors', 'message', 'success']);
    const ref = { $ref: '#/components/schemas/ErrorBody' };
    const statuses = new Set<string>();
    for (const item of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses ?? {}) as [string, any][]) {
          if (!/^4|^5/.test(status) || !response.content?.['application/json']) continue;
          assert.deepEqual(response.content['application/json'].schema, ref, `${status} answer`);
          statuses.add(status);
        }
      }
    }
    for (const status of ['400', '401', '404', '413', '415', '422']) assert.ok(statuses.has(status), `some route documents ${status}`);
    assert.deepEqual(doc.paths['/api/v1/whatsapp/blast'].post.responses['422'].content['application/json'].schema, ref);
  });

  it('documents request parameters and success answers from the validating schemas', () => {
    const list = doc.paths['/api/v1/customers'].get;
    const params = Object.fromEntries(list.parameters.map((p: any) => [p.name, p]));
    assert.equal(params.per_page.in, 'query');
    assert.equal(params.per_page.schema.maximum, 100);
    assert.equal(doc.paths['/api/v1/customers/{id}'].get.parameters[0].in, 'path');
    const history = doc.paths['/api/v1/whatsapp/blast/history'].get.responses['200'].content['application/json'].schema;
    for (const field of ['id', 'title', 'admin_id', 'status', 'target_count', 'sent_count', 'failed_count', 'pending_count', 'skipped_count', 'created_at', 'started_at', 'completed_at']) {
      assert.ok(history.properties.data.items.properties[field], `blast field ${field}`);
    }
    const login = doc.paths['/api/v1/auth/login'].post;
    assert.deepEqual(Object.keys(login.requestBody.content), ['application/json']);
    assert.ok(login.responses['200'].content['application/json'].schema.properties.token);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        assert.ok(op.tags?.length, `${method} ${path} has a tag`);
        assert.ok(op.summary, `${method} ${path} has a summary`);
      }
    }
  });

  it('serves the same document to the interactive docs', async () => {
    const res = await fetch(`${svc.url}/docs/json`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), doc);
  });
});
