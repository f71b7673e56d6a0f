// The official TypeScript SDK (`cloudflare`, pinned in package.json) drives fake-cloudflare
// through a full lifecycle of every operation: both auth styles where the spec allows them,
// both scopes for Access, and the errors a careful client meets. The requests go through Prism
// in proxy mode, which checks each request and each answer of the fake against upstream's own
// schemas (`--errors`: an invalid answer becomes an error the SDK reports).
//
// Run by conformance/tests/it/sdk.rs, which starts the fake and Prism and judges the
// violations. Environment: CF_BASE_URL (Prism, ending in /client/v4), CF_API_TOKEN, CF_EMAIL,
// CF_API_KEY, CF_ACCOUNT_ID, CF_ZONE_ID. Prints one JSON line per call
// ({"op", "auth", "status", "requests", "violations"}: what Prism's `sl-violations` headers
// reported for the call's requests) and exits with 1 on the first surprise.

import Cloudflare from 'cloudflare';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const baseURL = env('CF_BASE_URL');
const accountId = env('CF_ACCOUNT_ID');
const zoneId = env('CF_ZONE_ID');

// What Prism reported for the requests of the call in progress.
let seen = { requests: 0, violations: [] };
const recordingFetch = async (url, init) => {
  const response = await fetch(url, init);
  seen.requests += 1;
  const header = response.headers.get('sl-violations');
  if (header) seen.violations.push(...JSON.parse(header));
  return response;
};

const make = (credentials) =>
  new Cloudflare({ baseURL, maxRetries: 0, fetch: recordingFetch, ...credentials });
const clients = {
  token: make({ apiToken: env('CF_API_TOKEN') }),
  key: make({ apiEmail: env('CF_EMAIL'), apiKey: env('CF_API_KEY') }),
};

// Calls `fn`, records the call, and checks the outcome: `expect` is 'ok' or an error status.
async function call(op, auth, fn, expect = 'ok') {
  let status = 'ok';
  let result;
  seen = { requests: 0, violations: [] };
  try {
    result = await fn();
  } catch (error) {
    if (!(error instanceof Cloudflare.APIError) || error.status === undefined) throw error;
    status = error.status;
    if (status !== expect) {
      throw new Error(`${op} (${auth}): expected ${expect}, got HTTP ${status}: ${error.message}`);
    }
  }
  if (status !== expect) throw new Error(`${op} (${auth}): expected HTTP ${expect}, got a success`);
  console.log(JSON.stringify({ op, auth, status, ...seen }));
  return result;
}

// A request upstream's schemas forbid (a value outside an enum), sent on purpose: the fake must
// refuse it with 400, its one error's message naming `field`, and the SDK must surface that as
// a BadRequestError. The line says `invalid_request: field`: Prism's violations of the request
// are expected there (sdk.rs requires one naming the field); those of the answer are not.
async function refused(op, auth, fn, field) {
  seen = { requests: 0, violations: [] };
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof Cloudflare.BadRequestError)) throw error;
    const messages = (error.errors ?? []).map((e) => e.message);
    check(error.errors?.[0]?.code === 1001, `${op} (${auth}): code 1001 for a bad ${field}: ${messages}`);
    const named = messages.some((m) => m.startsWith(`${field}: `) || m.startsWith(`query parameter ${field}: `));
    check(named, `${op} (${auth}): the message names ${field}: ${messages}`);
    console.log(JSON.stringify({ op, auth, status: error.status, invalid_request: field, ...seen }));
    return;
  }
  throw new Error(`${op} (${auth}): a request with a bad ${field} succeeded`);
}

const all = async (page) => {
  const items = [];
  for await (const item of page) items.push(item);
  return items;
};

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function userTokens() {
  const cf = clients.token;
  const verified = await call('user_tokens_verify', 'token', () => cf.user.tokens.verify());
  check(verified.status === 'active', 'the bootstrap token is active');
  const groups = await call('permission_groups_list', 'token', () =>
    all(cf.user.tokens.permissionGroups.list({ name: 'AI Search Index Engine' })),
  );
  check(groups.length === 1, 'the permission group is found by name');
  const policies = [
    {
      effect: 'allow',
      permission_groups: [{ id: groups[0].id }],
      resources: { [`com.cloudflare.api.account.${accountId}`]: '*' },
    },
  ];
  await refused('user_tokens_create', 'token', () =>
    cf.user.tokens.create({ name: 'sdk-lifecycle', policies: [{ ...policies[0], effect: 'maybe' }] }),
    'policies[0].effect',
  );
  const created = await call('user_tokens_create', 'token', () =>
    cf.user.tokens.create({ name: 'sdk-lifecycle', policies }),
  );
  check(typeof created.value === 'string' && created.value.length > 0, 'the new token has a value');
  const listed = await call('user_tokens_list', 'token', () => all(cf.user.tokens.list({ per_page: 5 })));
  check(listed.some((t) => t.id === created.id), 'the new token is listed');
  const got = await call('user_tokens_get', 'token', () => cf.user.tokens.get(created.id));
  check(got.name === 'sdk-lifecycle', 'get shows the name');
  const updated = await call('user_tokens_update', 'token', () =>
    cf.user.tokens.update(created.id, { name: 'sdk-renamed', policies, status: 'active' }),
  );
  check(updated.name === 'sdk-renamed', 'update renames');
  // The SDK's roll takes no body, but upstream requires one (`{}`): send it explicitly.
  const rolled = await call('user_tokens_roll', 'token', () =>
    cf.user.tokens.value.update(created.id, { body: {} }),
  );
  check(typeof rolled === 'string' && rolled !== created.value, 'roll issues a new value');
  const own = make({ apiToken: rolled });
  const self = await call('user_tokens_verify', 'token', () => own.user.tokens.verify());
  check(self.id === created.id, 'the rolled value authenticates as the token');
  // The old value no longer works; an unknown token is refused by verify with 401.
  await call('user_tokens_verify', 'token', () => make({ apiToken: created.value }).user.tokens.verify(), 401);
  await call('user_tokens_delete', 'token', () => cf.user.tokens.delete(created.id));
  await call('user_tokens_get', 'token', () => cf.user.tokens.get(created.id), 404);
  await call('user_tokens_delete', 'token', () => cf.user.tokens.delete(created.id), 404);
  return { policies };
}

async function aiSearch(auth, { policies }) {
  const cf = clients[auth];
  // AI Search checks the registered credentials: mint a user token for them (tokens only).
  const minted = await call('user_tokens_create', 'token', () =>
    clients.token.user.tokens.create({ name: `sdk-ai-search-${auth}`, policies }),
  );
  const token = await call('ai_search_tokens_create', auth, () =>
    cf.aiSearch.tokens.create({
      account_id: accountId,
      name: `sdk-${auth}`,
      cf_api_id: minted.id,
      cf_api_key: minted.value,
    }),
  );
  const tokens = await call('ai_search_tokens_list', auth, () =>
    all(cf.aiSearch.tokens.list({ account_id: accountId, per_page: 1 })),
  );
  check(tokens.some((t) => t.id === token.id), 'the registration is listed');
  await call('ai_search_tokens_get', auth, () => cf.aiSearch.tokens.read(token.id, { account_id: accountId }));
  await call('ai_search_tokens_update', auth, () =>
    cf.aiSearch.tokens.update(token.id, {
      account_id: accountId,
      name: `sdk-${auth}-renamed`,
      cf_api_id: minted.id,
      cf_api_key: minted.value,
    }),
  );
  const id = `sdk-docs-${auth}`;
  const instance = await call('ai_search_instances_create', auth, () =>
    cf.aiSearch.instances.create({
      account_id: accountId,
      id,
      type: 'r2',
      source: 'docs-bucket',
      token_id: token.id,
    }),
  );
  check(instance.id === id, 'the instance has its id');
  // Values outside upstream's enums are refused, not taken and echoed back, and create nothing.
  const bad = `sdk-bad-${auth}`;
  await refused('ai_search_instances_create', auth, () =>
    cf.aiSearch.instances.create({ account_id: accountId, id: bad, token_id: token.id, ai_search_model: 'made-up/model' }),
    'ai_search_model',
  );
  await call('ai_search_instances_get', auth, () => cf.aiSearch.instances.read(bad, { account_id: accountId }), 404);
  await refused('ai_search_instances_update', auth, () =>
    cf.aiSearch.instances.update(id, { account_id: accountId, embedding_model: 'made-up/embedder' }),
    'embedding_model',
  );
  await refused('ai_search_instances_list', auth, () =>
    all(cf.aiSearch.instances.list({ account_id: accountId, order_by_direction: 'sideways' })),
    'order_by_direction',
  );
  // A website needs no token (Cloudflare's guide).
  const web = `sdk-web-${auth}`;
  await call('ai_search_instances_create', auth, () =>
    cf.aiSearch.instances.create({ account_id: accountId, id: web, type: 'web-crawler', source: 'example.com' }),
  );
  await call('ai_search_instances_create', auth, () =>
    cf.aiSearch.instances.create({ account_id: accountId, id, type: 'r2', source: 'b', token_id: token.id }),
    400,
  );
  const instances = await call('ai_search_instances_list', auth, () =>
    all(cf.aiSearch.instances.list({ account_id: accountId, per_page: 1 })),
  );
  check(instances.some((i) => i.id === id) && instances.some((i) => i.id === web), 'both instances are listed');
  await call('ai_search_instances_get', auth, () => cf.aiSearch.instances.read(id, { account_id: accountId }));
  const paused = await call('ai_search_instances_update', auth, () =>
    cf.aiSearch.instances.update(id, { account_id: accountId, paused: true }),
  );
  check(paused.paused === true, 'update pauses');
  // A token still used by an instance cannot be removed.
  await call('ai_search_tokens_delete', auth, () => cf.aiSearch.tokens.delete(token.id, { account_id: accountId }), 409);
  for (const gone of [id, web]) {
    await call('ai_search_instances_delete', auth, () => cf.aiSearch.instances.delete(gone, { account_id: accountId }));
  }
  await call('ai_search_instances_get', auth, () => cf.aiSearch.instances.read(id, { account_id: accountId }), 404);
  await call('ai_search_tokens_delete', auth, () => cf.aiSearch.tokens.delete(token.id, { account_id: accountId }));
  await call('ai_search_tokens_get', auth, () => cf.aiSearch.tokens.read(token.id, { account_id: accountId }), 404);
  await call('user_tokens_delete', 'token', () => clients.token.user.tokens.delete(minted.id));
}

async function access(auth, scope) {
  const cf = clients[auth];
  const where = scope === 'account' ? { account_id: accountId } : { zone_id: zoneId };
  const created = await call('access_service_tokens_create', auth, () =>
    cf.zeroTrust.access.serviceTokens.create({ ...where, name: `sdk-${auth}-${scope}`, duration: '30m' }),
  );
  check(typeof created.client_secret === 'string', 'the client secret is shown once');
  const listed = await call('access_service_tokens_list', auth, () =>
    all(cf.zeroTrust.access.serviceTokens.list({ ...where, per_page: 1 })),
  );
  check(listed.some((t) => t.id === created.id), 'the service token is listed');
  const got = await call('access_service_tokens_get', auth, () =>
    cf.zeroTrust.access.serviceTokens.get(created.id, where),
  );
  check(got.client_secret === undefined, 'get never shows the client secret');
  // Every unit Cloudflare's docs list for a duration.
  for (const duration of ['90000000000ns', '90000000us', '90000ms', '90s', '2m', '1h30m', '8760h', 'forever']) {
    await call('access_service_tokens_update', auth, () =>
      cf.zeroTrust.access.serviceTokens.update(created.id, { ...where, duration }),
    );
  }
  await call('access_service_tokens_update', auth, () =>
    cf.zeroTrust.access.serviceTokens.update(created.id, { ...where, duration: '5 days' }),
    400,
  );
  if (scope === 'account') {
    await call('access_service_tokens_refresh', auth, () =>
      cf.zeroTrust.access.serviceTokens.refresh(created.id, { account_id: accountId }),
    );
    const rotated = await call('access_service_tokens_rotate', auth, () =>
      cf.zeroTrust.access.serviceTokens.rotate(created.id, { account_id: accountId }),
    );
    check(rotated.client_secret !== created.client_secret, 'rotate issues a new secret');
  }
  await call('access_service_tokens_delete', auth, () =>
    cf.zeroTrust.access.serviceTokens.delete(created.id, where),
  );
  await call('access_service_tokens_get', auth, () => cf.zeroTrust.access.serviceTokens.get(created.id, where), 404);
}

// The journey beyond the first setup: account-owned tokens (API tokens only), an R2 bucket, a
// namespace with an instance in it, its indexing (jobs, stats) and search, flat and namespaced.
async function journey(auth, { policies }) {
  const cf = clients[auth];
  const acct = { account_id: accountId };
  if (auth === 'token') {
    const groups = await call('account_permission_groups_list', auth, () =>
      all(cf.accounts.tokens.permissionGroups.list({ ...acct, name: 'AI Search Index Engine' })),
    );
    check(groups.length === 1, 'the account permission group is found by name');
    const created = await call('account_tokens_create', auth, () =>
      cf.accounts.tokens.create({ ...acct, name: 'sdk-account', policies }),
    );
    check(typeof created.value === 'string', 'the account token value is shown once');
    const listed = await call('account_tokens_list', auth, () => all(cf.accounts.tokens.list({ ...acct, per_page: 5 })));
    check(listed.some((t) => t.id === created.id), 'the account token is listed');
    await call('account_tokens_get', auth, () => cf.accounts.tokens.get(created.id, acct));
    await call('account_tokens_update', auth, () =>
      cf.accounts.tokens.update(created.id, { ...acct, name: 'sdk-account-renamed', policies }),
    );
    // The SDK's `accounts.tokens.value.update` sends no body, which upstream requires (an empty
    // object, as for user tokens): the request is sent through the SDK's own client instead.
    const rolled = await call('account_tokens_roll', auth, () =>
      cf.put(`/accounts/${accountId}/tokens/${created.id}/value`, { body: {} }).then((r) => r.result),
    );
    const own = make({ apiToken: rolled });
    const verified = await call('account_tokens_verify', auth, () => own.accounts.tokens.verify(acct));
    check(verified.id === created.id, 'verify names the account token');
    await call('account_tokens_delete', auth, () => cf.accounts.tokens.delete(created.id, acct));
    await call('account_tokens_get', auth, () => cf.accounts.tokens.get(created.id, acct), 404);
  }

  // R2 takes API tokens only.
  if (auth === 'token') {
    const bucket = 'sdk-bucket';
    await call('r2_buckets_get', auth, () => cf.r2.buckets.get(bucket, acct), 404);
    const made = await call('r2_buckets_create', auth, () => cf.r2.buckets.create({ ...acct, name: bucket }));
    check(made.name === bucket, 'the bucket is created');
    await refused('r2_buckets_create', auth, () =>
      cf.r2.buckets.create({ ...acct, name: 'sdk-bucket-2', storageClass: 'Glacier' }),
      'storageClass',
    );
    await call('r2_buckets_get', auth, () => cf.r2.buckets.get('sdk-bucket-2', acct), 404);
    await call('r2_buckets_get', auth, () => cf.r2.buckets.get(bucket, acct));
  }

  // Upstream secures the account list with an email and key only; zones take either.
  if (auth === 'key') {
    const accounts = await call('accounts_list', auth, () => all(cf.accounts.list()));
    check(accounts.some((a) => a.id === accountId), 'the account is listed');
  }
  const zones = await call('zones_list', auth, () => all(cf.zones.list({ account: { id: accountId } })));
  check(Array.isArray(zones), 'the zones are listed');

  const name = `sdk-ns-${auth}`;
  await call('ai_search_namespaces_get', auth, () => cf.aiSearch.namespaces.read(name, acct), 404);
  await call('ai_search_namespaces_create', auth, () => cf.aiSearch.namespaces.create({ ...acct, name }));
  const namespaces = await call('ai_search_namespaces_list', auth, () => all(cf.aiSearch.namespaces.list(acct)));
  check(namespaces.some((n) => n.name === name), 'the namespace is listed');
  await call('ai_search_namespaces_update', auth, () =>
    cf.aiSearch.namespaces.update(name, { ...acct, description: 'guides' }),
  );
  const ns = { ...acct, name };
  const id = `sdk-ns-instance-${auth}`;
  await call('ai_search_namespace_instances_create', auth, () =>
    cf.aiSearch.namespaces.instances.create(name, { ...acct, id, type: 'web-crawler', source: 'example.com' }),
  );
  const inside = await call('ai_search_namespace_instances_list', auth, () =>
    all(cf.aiSearch.namespaces.instances.list(name, acct)),
  );
  check(inside.some((i) => i.id === id), 'the instance is listed in its namespace');
  await call('ai_search_namespace_instances_get', auth, () => cf.aiSearch.namespaces.instances.read(id, ns));
  await call('ai_search_namespace_instances_update', auth, () =>
    cf.aiSearch.namespaces.instances.update(id, { ...ns, paused: false }),
  );
  await call('ai_search_namespace_stats', auth, () => cf.aiSearch.namespaces.instances.stats(id, ns));
  const jobs = await call('ai_search_namespace_jobs_list', auth, () =>
    all(cf.aiSearch.namespaces.instances.jobs.list(id, ns)),
  );
  check(jobs.length === 1, 'the instance has its first indexing job');
  await call('ai_search_namespace_jobs_get', auth, () =>
    cf.aiSearch.namespaces.instances.jobs.get(jobs[0].id, { ...ns, id }),
  );
  await call('ai_search_namespace_search', auth, () =>
    cf.aiSearch.namespaces.instances.search(id, { ...ns, query: 'how do I set up' }),
  );
  // The flat (deprecated) paths reach the same instance.
  await call('ai_search_stats', auth, () => cf.aiSearch.instances.stats(id, acct));
  const flat = await call('ai_search_jobs_list', auth, () => all(cf.aiSearch.instances.jobs.list(id, acct)));
  await call('ai_search_jobs_get', auth, () => cf.aiSearch.instances.jobs.get(flat[0].id, { ...acct, id }));
  const found = await call('ai_search_search', auth, () =>
    cf.aiSearch.instances.search(id, { ...acct, query: 'how do I set up' }),
  );
  check(Array.isArray(found.chunks), 'a search answers chunks');
  await call('ai_search_namespaces_delete', auth, () => cf.aiSearch.namespaces.delete(name, acct), 400);
  await call('ai_search_namespace_instances_delete', auth, () => cf.aiSearch.namespaces.instances.delete(id, ns));
  await call('ai_search_namespaces_delete', auth, () => cf.aiSearch.namespaces.delete(name, acct));
}

async function main() {
  const shared = await userTokens();
  for (const auth of ['token', 'key']) {
    await aiSearch(auth, shared);
    await journey(auth, shared);
    for (const scope of ['account', 'zone']) await access(auth, scope);
  }
  // Credentials the fake does not know.
  const stranger = make({ apiToken: 'not-a-token-of-the-fake' });
  await call('access_service_tokens_list', 'token', () =>
    all(stranger.zeroTrust.access.serviceTokens.list({ account_id: accountId })),
    401,
  );
}

main().catch((error) => {
  console.error(`sdk-driver: ${error.stack || error}`);
  process.exit(1);
});
