// Smoke test for a running Bastion node: every public entry point answers, fast, with the right shape.
//   k6 run k6/smoke.js
//   k6 run -e BASE_URL=http://bastion.example.internal:8080 -e DURATION=1m k6/smoke.js
// With a registered client (bastion ctl clients add --name k6 --scopes system/Patient.rs --generate-secret),
// it also gets a token from the node's token endpoint and reads /fhir/Patient with it:
//   k6 run -e CLIENT_ID=bcl_... -e CLIENT_SECRET=bcs_... k6/smoke.js
import http from 'k6/http';
import { check, group, sleep } from 'k6';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');
const CLIENT_ID = __ENV.CLIENT_ID || '';
const CLIENT_SECRET = __ENV.CLIENT_SECRET || '';

export const options = {
  vus: 1,
  duration: __ENV.DURATION || '30s',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<200'],
    checks: ['rate>0.99'],
  },
};

// Fail fast, with one clear line, when nothing is listening: otherwise every check fails for 30 s.
export function setup() {
  const res = http.get(`${BASE_URL}/health/live`, { tags: { name: 'health-live' } });
  if (res.status !== 200) {
    throw new Error(`Bastion is not live at ${BASE_URL} (GET /health/live -> ${res.status} ${res.error || ''})`);
  }
  return { token: CLIENT_ID ? accessToken() : null };
}

// Client credentials with client_secret_post; tokens live 5 minutes by default, longer than a smoke run.
function accessToken() {
  const res = http.post(`${BASE_URL}/auth/token`, {
    grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
  }, { tags: { name: 'auth-token' } });
  if (res.status !== 200) {
    throw new Error(`no token for client ${CLIENT_ID} (POST /auth/token -> ${res.status} ${res.body})`);
  }
  return res.json('access_token');
}

function jsonField(res, field) {
  try {
    return res.json(field);
  } catch (e) {
    return undefined;
  }
}

function header(res, name) {
  return String(res.headers[name] || '');
}

export default function (data) {
  group('health', () => {
    const live = http.get(`${BASE_URL}/health/live`, { tags: { name: 'health-live' } });
    check(live, {
      'live: 200': (r) => r.status === 200,
      'live: application/health+json': (r) => header(r, 'Content-Type').includes('application/health+json'),
      'live: status pass': (r) => jsonField(r, 'status') === 'pass',
    });

    const ready = http.get(`${BASE_URL}/health/ready`, { tags: { name: 'health-ready' } });
    check(ready, {
      'ready: 200': (r) => r.status === 200,
    });
  });

  group('fhir', () => {
    const res = http.get(`${BASE_URL}/fhir/metadata`, {
      headers: { Accept: 'application/fhir+json' },
      tags: { name: 'fhir-metadata' },
    });
    check(res, {
      'metadata: 200': (r) => r.status === 200,
      'metadata: application/fhir+json': (r) => header(r, 'Content-Type').includes('application/fhir+json'),
      'metadata: CapabilityStatement': (r) => jsonField(r, 'resourceType') === 'CapabilityStatement',
      'metadata: FHIR 4.0.1': (r) => jsonField(r, 'fhirVersion') === '4.0.1',
    });
  });

  if (data && data.token) {
    group('fhir with a token', () => {
      const res = http.get(`${BASE_URL}/fhir/Patient?_count=1`, {
        headers: { Accept: 'application/fhir+json', Authorization: `Bearer ${data.token}` },
        tags: { name: 'fhir-patient-search' },
      });
      check(res, {
        'patient search: 200': (r) => r.status === 200,
        'patient search: Bundle': (r) => jsonField(r, 'resourceType') === 'Bundle',
      });
    });
  }

  group('admin', () => {
    // Unauthenticated, the dashboard answers with its login page (redirects are followed).
    const res = http.get(`${BASE_URL}/admin/`, { tags: { name: 'admin' } });
    check(res, {
      'admin: 200': (r) => r.status === 200,
      'admin: HTML': (r) => header(r, 'Content-Type').includes('text/html'),
    });
  });

  group('metrics', () => {
    const res = http.get(`${BASE_URL}/metrics`, { tags: { name: 'metrics' } });
    check(res, {
      'metrics: 200': (r) => r.status === 200,
      'metrics: has vertx_http_server_requests_total': (r) =>
        typeof r.body === 'string' && r.body.includes('vertx_http_server_requests_total'),
    });
  });

  sleep(1);
}
