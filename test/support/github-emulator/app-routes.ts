/**
 * GitHub App authentication: the app's JWT (RS256, verified with its public key) buys installation
 * tokens at `POST /app/installations/{installation_id}/access_tokens`, which the other endpoints accept.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { ApiError, notFound, unprocessable } from './api-error.js';
import { isoSeconds } from './bare-repo.js';
import type { EmulatorCore, RouteDef } from './emulator-core.js';
import { isJson } from './openapi/spec-document.js';

const HOUR_MS = 3_600_000;
/** GitHub refuses JWTs that expire more than 10 minutes ahead; clocks may drift a minute. */
const MAX_JWT_LIFETIME_S = 600 + 60;

const keys = new Map<string, KeyObject>();

function publicKey(pem: string): KeyObject {
  let key = keys.get(pem);
  if (!key) keys.set(pem, (key = createPublicKey(pem)));
  return key;
}

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const undecodable = (): ApiError => new ApiError(401, 'A JSON web token could not be decoded');

/**
 * Why a request to an `/app` endpoint is refused (undefined when its `Authorization: Bearer <JWT>`
 * is signed by the app, names it as `iss` and is current), with GitHub's messages.
 */
export function appJwtError(
  core: EmulatorCore,
  header: string | undefined,
  nowMs = Date.now(),
): ApiError | undefined {
  const app = core.app;
  const m = /^bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!app || !m?.[1]) return undecodable();
  const [head = '', body = '', signature = '', ...rest] = m[1].split('.');
  const header0 = decodePart(head);
  const claims = decodePart(body);
  if (rest.length > 0 || !isJson(header0) || !isJson(claims) || header0.alg !== 'RS256') return undecodable();
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    publicKey(app.publicKeyPem),
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return undecodable();
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) {
    return new ApiError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    );
  }
  if (typeof claims.exp !== 'number' || claims.exp <= now) {
    return new ApiError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    );
  }
  if (claims.exp > now + MAX_JWT_LIFETIME_S) {
    return new ApiError(401, "'Expiration time' claim ('exp') is too far in the future.");
  }
  if (String(claims.iss) !== String(app.id)) return new ApiError(401, 'Integration not found');
  return undefined;
}

/** A new installation token, accepted for an hour. */
export function issueToken(core: EmulatorCore, nowMs = Date.now()): { token: string; expiresAt: number } {
  const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
  const expiresAt = nowMs + HOUR_MS;
  core.issuedTokens.set(token, expiresAt);
  return { token, expiresAt };
}

/** Whether `token` is an installation token the emulator issued that has not expired. */
export function isIssuedToken(core: EmulatorCore, token: string, nowMs = Date.now()): boolean {
  const expiresAt = core.issuedTokens.get(token);
  return expiresAt !== undefined && expiresAt > nowMs;
}

const PERMISSIONS = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'write',
};

export const appRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/app/installations/{installation_id}/access_tokens',
    handler: async ({ core, params, body }) => {
      if (!core.app || Number(params.installation_id) !== core.app.installationId) throw notFound();
      const names = Array.isArray(body.repositories) ? body.repositories : [];
      if (names.some((n) => String(n).toLowerCase() !== core.repo.toLowerCase())) {
        throw unprocessable(
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
        );
      }
      const { token, expiresAt } = issueToken(core);
      return {
        status: 201,
        body: {
          token,
          expires_at: isoSeconds(new Date(expiresAt)),
          permissions: isJson(body.permissions) ? body.permissions : PERMISSIONS,
          repository_selection: 'selected',
        },
      };
    },
  },
];
